// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// In-memory oidc-provider adapter. Unlike the library's built-in one, its
// store lives outside any Provider instance: key rotation builds a new
// Provider, and sessions, grants, codes and tokens must survive that.

const SWEEP_EVERY = 200; // writes between purges of expired entries

export function createMemoryAdapterFactory() {
  const entries = new Map(); // "Model:id" -> { payload, expiresAt }
  const index = new Map(); // "uid:..." / "userCode:..." / "grant:..." -> value
  let writes = 0;

  function get(key) {
    const entry = entries.get(key);
    if (entry && entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry?.payload;
  }

  function sweep() {
    const now = Date.now();
    for (const [key, entry] of entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) entries.delete(key);
    }
  }

  function trackGrantMember(grantId, key) {
    const grantKey = `grant:${grantId}`;
    if (!index.has(grantKey)) index.set(grantKey, new Set());
    index.get(grantKey).add(key);
  }

  return class MemoryAdapter {
    constructor(model) {
      this.model = model;
    }

    // For the control API: [id, payload] of every live entry of a model.
    static live(model) {
      const prefix = `${model}:`;
      return [...entries.keys()].filter((key) => key.startsWith(prefix))
        .map((key) => [key.slice(prefix.length), get(key)])
        .filter(([, payload]) => payload !== undefined);
    }

    key(id) {
      return `${this.model}:${id}`;
    }

    async upsert(id, payload, expiresIn) {
      const key = this.key(id);
      const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : undefined;
      entries.set(key, { payload, expiresAt });
      if (this.model === 'Session' && payload.uid) index.set(`uid:${payload.uid}`, id);
      if (payload.userCode) index.set(`userCode:${payload.userCode}`, id);
      if (payload.grantId) trackGrantMember(payload.grantId, key);
      writes += 1;
      if (writes % SWEEP_EVERY === 0) sweep();
    }

    async find(id) {
      return get(this.key(id));
    }

    async findByUid(uid) {
      const id = index.get(`uid:${uid}`);
      return id === undefined ? undefined : this.find(id);
    }

    async findByUserCode(userCode) {
      const id = index.get(`userCode:${userCode}`);
      return id === undefined ? undefined : this.find(id);
    }

    async consume(id) {
      const payload = get(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id) {
      entries.delete(this.key(id));
    }

    async revokeByGrantId(grantId) {
      const grantKey = `grant:${grantId}`;
      for (const key of index.get(grantKey) ?? []) entries.delete(key);
      index.delete(grantKey);
    }
  };
}
