// A real OpenID Connect provider on loopback for the browser tests: the certified
// `oidc-provider` package (pinned in package.json), run with the machine's Node.
//
//   node tests/browser/oidc_provider.mjs PORT RP_BASE_URL
//
// Anyone may sign in with any name and password (the package's development login pages);
// the name is the e-mail address. The test switches what the token endpoint answers with
// GET /test/mode?set=MODE:
//   normal        ID tokens as the provider makes them
//   wrong-key     the ID token re-signed by a key that is not the provider's (same key id)
//   wrong-aud     the ID token re-signed by the provider's key, for another client
//   rotated       the ID token signed by a new key the provider now publishes (a rotation)
import { generateKeyPair, exportJWK, SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const rp = process.argv[3].replace(/\/$/, '');
const issuer = `http://127.0.0.1:${port}`;

async function rsaKey(kid) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

const signing = await rsaKey('provider-key-1');
const impostor = await rsaKey('provider-key-1'); // the same key id, another key
const rotated = await rsaKey('provider-key-2');
const published = [signing];
let mode = 'normal';

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'oneworkforce',
    client_secret: 'oneworkforce-test-secret',
    redirect_uris: [`${rp}/oidc/callback/`],
    post_logout_redirect_uris: [`${rp}/accounts/login/`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  jwks: { keys: [signing] },
  pkce: { required: () => true }, // the client must send PKCE
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name'] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: true, given_name: id.split('@')[0] };
      },
    };
  },
  async loadExistingGrant(ctx) { // a first-party client: no consent page
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
});
provider.proxy = false;

async function resign(idToken, key, changes) {
  const header = decodeProtectedHeader(idToken);
  const claims = { ...decodeJwt(idToken), ...changes };
  const { importJWK } = await import('jose');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: header.typ, kid: key.kid })
    .sign(await importJWK(key, 'RS256'));
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/test/mode') {
    mode = ctx.query.set;
    if (mode === 'rotated' && !published.includes(rotated)) published.push(rotated);
    ctx.body = { mode };
    return;
  }
  await next();
  if (ctx.path === '/jwks') {
    const pub = ({ kty, n, e, kid, alg, use }) => ({ kty, n, e, kid, alg, use });
    ctx.body = { keys: published.map(pub) };
  }
  if (ctx.path === '/token' && ctx.status === 200 && mode !== 'normal') {
    const body = typeof ctx.body === 'string' ? JSON.parse(ctx.body) : { ...ctx.body };
    if (mode === 'wrong-key') body.id_token = await resign(body.id_token, impostor, {});
    if (mode === 'wrong-aud') body.id_token = await resign(body.id_token, signing, { aud: 'another-client' });
    if (mode === 'rotated') body.id_token = await resign(body.id_token, rotated, {});
    ctx.body = body;
  }
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening at ${issuer}`);
});
