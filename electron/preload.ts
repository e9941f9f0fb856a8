import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from '../shared/api-surface';

// The preload's whole job: expose one named function per contract channel, and event
// subscriptions that drop Electron's event object. The page never sees ipcRenderer.
const api = buildApi(
  (channel, input) => ipcRenderer.invoke(channel, input),
  (event, listener) => {
    const wrapped = (_event: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(event, wrapped);
    return () => {
      ipcRenderer.removeListener(event, wrapped);
    };
  },
);

contextBridge.exposeInMainWorld('api', api);
