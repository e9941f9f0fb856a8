/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { Api } from '../shared/api-surface';

declare global {
  interface Window {
    /** Exposed by the preload (or by the browser test transport); the page's only way out. */
    api: Api;
  }
}
