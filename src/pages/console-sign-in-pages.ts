import { ONCE_SCRIPT } from './checkout-script.js';
import { html, layout } from './html.js';

// The console's pages before a session: signing in, and setting a password from an invite.

export function renderLogin(input: {
  nonce: string;
  csrfToken: string;
  email: string;
  error?: string | undefined;
}): string {
  return layout({
    title: 'Sign in · Flint console',
    nonce: input.nonce,
    script: ONCE_SCRIPT,
    body: html`<main><div class="panel narrow">
<h1>Sign in to the Flint console</h1>
<div id="form-errors" class="alert" role="alert" tabindex="-1">${input.error ?? ''}</div>
<form method="post" action="/console/login">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="${input.email}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
<button type="submit">Sign in</button>
</form></div></main>`,
  });
}

export function renderInvite(input: {
  nonce: string;
  csrfToken: string;
  token: string;
  email: string;
  error?: string | undefined;
}): string {
  return layout({
    title: 'Set your password · Flint console',
    nonce: input.nonce,
    script: ONCE_SCRIPT,
    body: html`<main><div class="panel narrow">
<h1>Set your password</h1>
<p>For ${input.email}. Use at least 12 characters.</p>
<div id="form-errors" class="alert" role="alert" tabindex="-1">${input.error ?? ''}</div>
<form method="post" action="/console/invite/${input.token}">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="12" maxlength="256" aria-describedby="form-errors">
<button type="submit">Set password and sign in</button>
</form></div></main>`,
  });
}
