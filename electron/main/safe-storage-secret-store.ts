import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretStore } from '../gateway';

/** The part of Electron's safeStorage this store uses; tests pass a fake. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export interface SafeStorageSecretStoreOptions {
  /** the encrypted file, e.g. <userData>/secrets.enc.json */
  file: string;
  safeStorage: SafeStorageLike;
  /** the headless store's plaintext secrets.json: its keys move into the encrypted file, then it is deleted */
  plaintextFile?: string;
  warn: (message: string) => void;
  now?: () => number;
}

interface EncryptedFile {
  version: 1;
  /** id → base64 of safeStorage.encryptString(value) */
  secrets: Record<string, string>;
}

/**
 * Provider keys encrypted by the OS (Keychain, DPAPI, libsecret/kwallet) through Electron's safeStorage.
 * Only ciphertext reaches disk; values are decrypted when the gateway asks for one.
 */
export function createSafeStorageSecretStore(options: SafeStorageSecretStoreOptions): SecretStore {
  const { file, safeStorage, warn } = options;
  if (!safeStorage.isEncryptionAvailable()) {
    throw new Error('OS encryption (safeStorage) is not available, so provider keys cannot be stored encrypted.');
  }
  const secrets = readEncryptedFile(file, warn, options.now ?? Date.now);
  const save = () => writePrivate(file, JSON.stringify({ version: 1, secrets } satisfies EncryptedFile));

  if (options.plaintextFile && existsSync(options.plaintextFile)) {
    const plain = readPlaintext(options.plaintextFile, warn);
    if (plain) {
      // keys set while running headless are newer than anything already encrypted
      for (const [id, value] of Object.entries(plain)) secrets[id] = encrypt(safeStorage, value);
      save();
      rmSync(options.plaintextFile, { force: true });
      warn(`moved ${Object.keys(plain).length} provider key(s) from ${options.plaintextFile} into OS-encrypted storage`);
    }
  }

  return {
    get(id) {
      const sealed = secrets[id];
      if (sealed === undefined) return null;
      try {
        return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
      } catch {
        // another user, a reset keychain or a copied profile: the key cannot be read, so ask for it again
        warn(`the stored key "${id}" could not be decrypted; enter it again in Settings`);
        return null;
      }
    },
    set(id, value) {
      if (value === null) delete secrets[id];
      else secrets[id] = encrypt(safeStorage, value);
      save();
    },
  };
}

function encrypt(safeStorage: SafeStorageLike, value: string): string {
  return safeStorage.encryptString(value).toString('base64');
}

function readEncryptedFile(file: string, warn: (message: string) => void, now: () => number): Record<string, string> {
  if (!existsSync(file)) return {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<EncryptedFile>;
    if (parsed.version !== 1 || !isStringRecord(parsed.secrets)) throw new Error('unexpected shape');
    return { ...parsed.secrets };
  } catch {
    // keep the unreadable file for the user to inspect, and start without keys rather than not at all
    const aside = `${file}.unreadable-${now()}`;
    renameSync(file, aside);
    warn(`${file} was unreadable and was moved to ${aside}; enter provider keys again in Settings`);
    return {};
  }
}

function readPlaintext(file: string, warn: (message: string) => void): Record<string, string> | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isStringRecord(parsed)) return parsed;
  } catch {
    // fall through
  }
  warn(`${file} is not a JSON object of keys; left untouched`);
  return null;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string');
}

/** Write-then-rename, so a crash mid-write never leaves half a file; 0600 since it is still key material. */
function writePrivate(file: string, text: string): void {
  const temp = `${file}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

/**
 * The desktop's store for provider keys, or undefined to keep the headless 0600 file (with a warning saying
 * why): on Linux without a keyring, safeStorage falls back to a hard-coded key ("basic_text"), which would
 * only pretend to protect them.
 */
export function chooseSecretStore(options: {
  dataDir: string;
  safeStorage: SafeStorageLike & { getSelectedStorageBackend?: () => string };
  platform: NodeJS.Platform;
  warn: (message: string) => void;
}): SecretStore | undefined {
  const { safeStorage, warn } = options;
  const fallback = `provider keys stay in ${join(options.dataDir, 'secrets.json')} (mode 0600), as with npm run serve`;
  if (!safeStorage.isEncryptionAvailable()) {
    warn(`OS encryption is not available; ${fallback}`);
    return undefined;
  }
  if (options.platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
    warn(`no keyring (gnome-libsecret or kwallet) found; ${fallback}`);
    return undefined;
  }
  return createSafeStorageSecretStore({
    file: join(options.dataDir, 'secrets.enc.json'),
    plaintextFile: join(options.dataDir, 'secrets.json'),
    safeStorage,
    warn,
  });
}
