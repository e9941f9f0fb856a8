import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/contract';

export interface MenuDeps {
  isMac: boolean;
  appName: string;
  send: (command: MenuCommand) => void;
  openHelp: () => void;
  openLogs: () => void;
  /** Development builds only: a packaged app offers no DevTools. */
  devTools?: boolean;
}

/** The standard application menu, with the app's own commands wired to the window. */
export function menuTemplate({
  isMac,
  appName,
  send,
  openHelp,
  openLogs,
  devTools = false,
}: MenuDeps): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = [];
  if (isMac) {
    template.push({
      label: appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push(
    {
      label: '&File',
      submenu: [
        { label: 'New Campaign', accelerator: 'CmdOrCtrl+N', click: () => send('new-campaign') },
        {
          label: 'Import Campaign File…',
          accelerator: 'CmdOrCtrl+O',
          click: () => send('import-campaign'),
        },
        { label: 'Find Campaign', accelerator: 'CmdOrCtrl+F', click: () => send('find-campaign') },
        { type: 'separator' },
        {
          label: isMac ? 'Settings…' : 'Settings',
          accelerator: 'CmdOrCtrl+,',
          click: () => send('open-settings'),
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(devTools ? [{ type: 'separator' as const }, { role: 'toggleDevTools' as const }] : []),
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: `${appName} Help`, click: openHelp },
        { label: 'Show Log Files', click: openLogs },
      ],
    },
  );
  return template;
}
