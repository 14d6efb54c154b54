// `node --import tsx --import ./register.mjs electron/main/index.ts`: runs the desktop main process on plain
// Node with `electron` resolved to ./electron.mjs, a recording stand-in (no Electron binary needed).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
