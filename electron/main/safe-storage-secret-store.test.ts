import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { chooseSecretStore, createSafeStorageSecretStore } from './safe-storage-secret-store';
import { fakeKeychain } from '../../test/support/fake-keychain';

const KEY = 'sk-proj-THISISASECRETKEY1234567890';
let dir: string;
let warnings: string[];
const warn = (m: string) => warnings.push(m);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-secrets-'));
  warnings = [];
});

describe('safeStorage secret store', () => {
  it('round-trips a key across restarts while only ciphertext reaches disk (0600)', () => {
    const os = fakeKeychain();
    const file = join(dir, 'secrets.enc.json');
    createSafeStorageSecretStore({ file, safeStorage: os, warn }).set('openai', KEY);

    const onDisk = readFileSync(file, 'utf8');
    expect(onDisk).not.toContain(KEY);
    expect(onDisk).not.toContain('THISISASECRET');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(createSafeStorageSecretStore({ file, safeStorage: os, warn }).get('openai')).toBe(KEY);
    expect(readdirSync(dir)).toEqual(['secrets.enc.json']);
  });

  it('removes a key when set to null', () => {
    const os = fakeKeychain();
    const file = join(dir, 'secrets.enc.json');
    const store = createSafeStorageSecretStore({ file, safeStorage: os, warn });
    store.set('openai', KEY);
    store.set('openai', null);
    expect(store.get('openai')).toBeNull();
    expect(createSafeStorageSecretStore({ file, safeStorage: os, warn }).get('openai')).toBeNull();
  });

  it('returns null and says why when another keychain cannot decrypt the key', () => {
    const file = join(dir, 'secrets.enc.json');
    createSafeStorageSecretStore({ file, safeStorage: fakeKeychain(), warn }).set('openai', KEY);
    const elsewhere = createSafeStorageSecretStore({ file, safeStorage: fakeKeychain(), warn });
    expect(elsewhere.get('openai')).toBeNull();
    expect(warnings.join()).toContain('could not be decrypted');
    expect(warnings.join()).not.toContain(KEY);
  });

  it('refuses to start when the OS cannot encrypt, so the caller can choose another store', () => {
    expect(() => createSafeStorageSecretStore({ file: join(dir, 's.json'), safeStorage: fakeKeychain(undefined, false), warn }))
      .toThrow(/not available/);
  });

  it('moves keys from the headless plaintext file into encrypted storage and deletes the plaintext', () => {
    const plaintextFile = join(dir, 'secrets.json');
    writeFileSync(plaintextFile, JSON.stringify({ openai: KEY }));
    const os = fakeKeychain();
    const file = join(dir, 'secrets.enc.json');
    const store = createSafeStorageSecretStore({ file, safeStorage: os, plaintextFile, warn });
    expect(store.get('openai')).toBe(KEY);
    expect(existsSync(plaintextFile)).toBe(false);
    expect(readFileSync(file, 'utf8')).not.toContain(KEY);
    expect(warnings.join()).toContain('moved 1 provider key');
  });

  it('sets an unreadable file aside and starts empty instead of failing the app', () => {
    const file = join(dir, 'secrets.enc.json');
    writeFileSync(file, '{not json');
    const store = createSafeStorageSecretStore({ file, safeStorage: fakeKeychain(), warn, now: () => 42 });
    expect(store.get('openai')).toBeNull();
    expect(readFileSync(`${file}.unreadable-42`, 'utf8')).toBe('{not json');
    store.set('openai', KEY);
    expect(store.get('openai')).toBe(KEY);
  });
});

describe('choosing the desktop secret store', () => {
  it('uses OS encryption when a real keyring backs it', () => {
    const os = fakeKeychain();
    const store = chooseSecretStore({ dataDir: dir, safeStorage: { ...os, getSelectedStorageBackend: () => 'gnome_libsecret' }, platform: 'linux', warn });
    store!.set('openai', KEY);
    expect(readFileSync(join(dir, 'secrets.enc.json'), 'utf8')).not.toContain(KEY);
    expect(warnings).toEqual([]);
  });

  it('keeps the headless 0600 file, and says so, when there is no keyring or no encryption', () => {
    const os = fakeKeychain();
    expect(chooseSecretStore({ dataDir: dir, safeStorage: { ...os, getSelectedStorageBackend: () => 'basic_text' }, platform: 'linux', warn })).toBeUndefined();
    expect(warnings[0]).toContain('no keyring');
    expect(chooseSecretStore({ dataDir: dir, safeStorage: fakeKeychain(undefined, false), platform: 'darwin', warn })).toBeUndefined();
    expect(warnings[1]).toContain('OS encryption is not available');
    expect(warnings[1]).toContain('secrets.json');
  });
});
