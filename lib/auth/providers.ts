/** The OAuth providers a learner can sign in with (auth.identities has the same CHECK: lib/db/schema.test.ts). */
export const OAUTH_PROVIDERS = ['google', 'apple'] as const
