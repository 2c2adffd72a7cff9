// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
import { createHash } from 'node:crypto';

// Test users. Each `sub` is a fixed UUID, like Pocket ID's user ids, so
// tests can assert on it across restarts. Password is always `<username>-pw`.

const SEED = [
  { username: 'alice', sub: '1f6a3a52-7c2e-4d0b-9a51-3c1f0e6b7a01', given: 'Alice', family: 'Admin', groups: ['technitium_admins'] },
  { username: 'bob', sub: '2b7c4d63-8d3f-4e1c-8b62-4d2a1f7c8b02', given: 'Bob', family: 'Dns', groups: ['technitium_dns_admins'] },
  { username: 'carol', sub: '3c8d5e74-9e4a-4f2d-9c73-5e3b2a8d9c03', given: 'Carol', family: 'Dhcp', groups: ['technitium_dhcp_admins'] },
  { username: 'dave', sub: '4d9e6f85-af5b-4a3e-8d84-6f4c3b9eac04', given: 'Dave', family: 'Both', groups: ['technitium_dns_admins', 'technitium_dhcp_admins'] },
  { username: 'erin', sub: '5eaf7096-b06c-4b4f-9e95-705d4cafbd05', given: 'Erin', family: 'Nogroup', groups: [] },
  { username: 'frank', sub: '6fb081a7-c17d-4c5a-8fa6-816e5db0ce06', given: 'Frank', family: 'Case', groups: ['Technitium_Admins'] },
  { username: 'grace', sub: '70c192b8-d28e-4d6b-90b7-927f6ec1df07', given: 'Grace', family: 'Noemail', groups: ['technitium_admins'], noEmail: true },
  // Set an address they do not own: email_verified false (as Pocket ID sends).
  { username: 'heidi', sub: '81d2a3c9-e39f-4e7c-a1a8-a38f7d02e008', given: 'Heidi', family: 'Unverified', groups: ['technitium_admins'], email: 'ceo@example.test', emailVerified: false },
  // LemonLDAP::NG's "array mode": a single group is sent as a plain string.
  { username: 'judy', sub: 'a3f4c5eb-05b1-4fae-83c8-c5a19f200a10', given: 'Judy', family: 'Single', groups: ['technitium_dns_admins'], groupsShape: 'string' },
  // Keycloak: roles under realm_access.roles, no top-level groups claim.
  { username: 'ivan', sub: '92e3b4da-f4a0-4f8d-b2b7-b4908e1ff009', given: 'Ivan', family: 'Nested', groups: ['technitium_dhcp_admins'], groupsShape: 'keycloak' },
];

export function createUserStore() {
  const byName = new Map(SEED.map((seed) => [seed.username, toUser(seed)]));
  const bySub = new Map([...byName.values()].map((user) => [user.sub, user]));

  return {
    list: () => [...byName.values()].map(publicView),
    byName: (username) => byName.get(username),
    bySub: (sub) => bySub.get(sub),
    checkPassword: (username, password) => {
      const user = byName.get(username);
      return user && password === `${user.username}-pw` ? user : undefined;
    },
    // Adds a user (tests that need many distinct accounts); its sub is
    // derived from the name, so it is stable across provider restarts.
    add({ username, groups = [], noEmail = false }) {
      if (byName.has(username)) return publicView(byName.get(username));
      const user = toUser({ username, sub: subFor(username), given: username,
                            family: 'Test', groups, noEmail });
      byName.set(username, user);
      bySub.set(user.sub, user);
      return publicView(user);
    },
    // As an administrator deleting the user: its tokens no longer refresh
    // (oidc-provider answers invalid_grant when the account is gone).
    remove(username) {
      const user = byName.get(username);
      if (!user) return undefined;
      byName.delete(username);
      bySub.delete(user.sub);
      return publicView(user);
    },
    setGroups(username, groups) {
      const user = byName.get(username);
      if (!user) return undefined;
      user.groups = [...groups];
      return publicView(user);
    },
  };
}

function subFor(username) {
  const hex = createHash('sha256').update(username).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function toUser({ username, sub, given, family, groups, noEmail, email, emailVerified = true,
                  groupsShape = 'array' }) {
  const user = {
    username,
    sub,
    givenName: given,
    familyName: family,
    name: `${given} ${family}`,
    groups: [...groups],
    groupsShape,
  };
  if (!noEmail) {
    user.email = email ?? `${username}@example.test`;
    user.emailVerified = emailVerified;
  }
  return user;
}

// All claims a user has; oidc-provider filters them by granted scope and
// by destination (ID token vs userinfo).
export function userClaims(user) {
  const claims = {
    sub: user.sub,
    preferred_username: user.username,
    name: user.name,
    given_name: user.givenName,
    family_name: user.familyName,
  };
  if (user.groupsShape === 'keycloak') {
    claims.realm_access = { roles: [...user.groups] };
  } else if (user.groupsShape === 'string' && user.groups.length === 1) {
    claims.groups = user.groups[0];
  } else {
    // Pocket ID always sends the array, empty when the user has no group.
    claims.groups = [...user.groups];
  }
  if (user.email !== undefined) {
    claims.email = user.email;
    claims.email_verified = user.emailVerified;
  }
  return claims;
}

function publicView(user) {
  const view = { username: user.username, sub: user.sub, name: user.name, groups: [...user.groups] };
  if (user.email !== undefined) view.email = user.email;
  return view;
}
