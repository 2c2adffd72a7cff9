// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// Plain HTML pages, kept minimal so scripts can drive them with a regex or
// a simple form POST (no JavaScript, no external assets).

export function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

export function loginPage({ uid, clientId, username = '', error }) {
  const errorHtml = error ? `<p class="error" role="alert">${escapeHtml(error)}</p>\n` : '';
  return page('Sign in', `<p>Test OP: sign in to continue to <code>${escapeHtml(clientId)}</code>.</p>
${errorHtml}<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Username <input type="text" name="username" value="${escapeHtml(username)}" autofocus></label>
<label>Password <input type="password" name="password"></label>
<button type="submit">Sign in</button>
</form>`);
}

// `form` is oidc-provider's logout form holding the hidden xsrf field. A
// hidden logout=yes ends the whole OP session, like Pocket ID's sign-out.
export function logoutPage(form) {
  const fields = '<input type="hidden" name="logout" value="yes"/><button type="submit">Sign out</button></form>';
  return page('Sign out', `<p>Do you want to sign out?</p>\n${form.replace('</form>', fields)}`);
}

export function loggedOutPage() {
  return page('Signed out', '<p>You have been signed out.</p>');
}

export function errorPage(out) {
  const rows = Object.entries(out)
    .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`)
    .join('\n');
  return page('Error', rows);
}
