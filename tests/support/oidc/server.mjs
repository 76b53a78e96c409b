// A real OpenID Connect provider (node-oidc-provider) for the sign-in tests.
//
// Started by the pytest fixture in tests/support/oidc/provider.py with its
// configuration as JSON in OIDC_TEST_CONFIG:
//   {"clients": [...client metadata...],
//    "accounts": {"<sub>": {"password": "...", "claims": {...}}},
//    "id_claim": "citizen_id"}
// It listens on a free loopback port and prints one JSON line
// {"issuer": "http://127.0.0.1:PORT"} once it answers.
// The login and consent pages are this file's own small forms (not the
// library's development pages), so tests and a browser can drive them.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG || '{}');
const accounts = config.accounts || {};
const idClaim = config.id_claim || 'citizen_id';

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

const page = (title, body) => `<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

  const provider = new Provider(issuer, {
    clients: config.clients || [],
    jwks: { keys: [jwk] },
    cookies: { keys: ['motcua-test-oidc-cookie-key'] },
    claims: {
      openid: ['sub'],
      profile: ['name', idClaim],
      email: ['email', 'email_verified'],
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      const account = accounts[sub];
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account.claims }) };
    },
  });

  provider.use(async (ctx, next) => {
    const match = ctx.path.match(/^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/);
    if (!match) return next();
    const action = match[2];
    const interaction = await provider.interactionDetails(ctx.req, ctx.res);
    const { prompt, params, uid } = interaction;
    ctx.type = 'html';
    if (ctx.method === 'GET' && !action) {
      if (prompt.name === 'login') {
        ctx.body = page('Đăng nhập định danh điện tử', `
<form method="post" action="/interaction/${uid}/login">
<label for="login">Số định danh cá nhân</label><input id="login" name="login" autocomplete="username">
<label for="password">Mật khẩu</label><input id="password" name="password" type="password">
<button type="submit">Đăng nhập</button></form>`);
      } else {
        const client = await provider.Client.find(params.client_id);
        ctx.body = page('Cho phép chia sẻ thông tin', `
<p>${escapeHtml(client.clientName || client.clientId)} yêu cầu: ${escapeHtml(params.scope)}</p>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit" id="allow">Đồng ý</button></form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit" id="deny">Từ chối</button></form>`);
      }
      return undefined;
    }
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      return undefined;
    }
    let result;
    if (action === 'login') {
      const form = await readForm(ctx.req);
      const sub = form.get('login');
      if (!accounts[sub] || accounts[sub].password !== form.get('password')) {
        ctx.status = 401;
        ctx.body = page('Đăng nhập định danh điện tử', '<p role="alert">Sai thông tin đăng nhập.</p>');
        return undefined;
      }
      result = { login: { accountId: sub } };
    } else if (action === 'confirm') {
      const { details } = prompt;
      const grant = interaction.grantId
        ? await provider.Grant.find(interaction.grantId)
        : new provider.Grant({ accountId: interaction.session.accountId, clientId: params.client_id });
      if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
      if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(details.missingResourceScopes || {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      result = { consent: { grantId: await grant.save() } };
    } else {
      result = { error: 'access_denied', error_description: 'Người dùng từ chối.' };
    }
    const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: action !== 'login',
    });
    ctx.status = 303;
    ctx.redirect(returnTo);
    return undefined;
  });

  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
