import type { PublicHandlers } from '../handlers.js'
import { generateToken, hashToken } from '../auth/tokens.js'
import { notFound } from '../errors.js'
import { newId } from '../ids.js'
import type { Db } from '../store/store.js'
import { deleteCallerAccount } from './account-removal.js'

async function loadAccount(db: Db, id: string) {
  const account = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst()
  if (!account) throw notFound('Account', id)
  return {
    id: account.id,
    email: account.email,
    displayName: account.displayName ?? undefined,
    profilePicture: account.profilePicture ?? undefined,
    // A self-hosted server has no e-mail verification flow: its accounts are made by its operator.
    emailVerified: true,
    createdAt: account.createdAt,
  }
}

/** The caller's account and its personal access tokens. Every operation here needs a personal access token. */
export const accountHandlers: PublicHandlers = {
  async getAccount(_input, ctx) {
    return { account: await loadAccount(ctx.db, ctx.accountId()) }
  },

  async updateAccount({ displayName, profilePicture }, ctx) {
    const accountId = ctx.accountId()
    const changes = Object.fromEntries(Object.entries({ displayName, profilePicture }).filter(([, v]) => v !== undefined))
    await ctx.db.updateTable('accounts').set({ ...changes, updatedAt: ctx.now() }).where('id', '=', accountId).execute()
    return { account: await loadAccount(ctx.db, accountId) }
  },

  async deleteAccount(_input, ctx) {
    await deleteCallerAccount(ctx)
    return {}
  },

  async createPersonalAccessToken({ note }, ctx) {
    const value = generateToken('pat')
    const pat = { id: newId('token'), createdAt: ctx.now(), note }
    await ctx.db
      .insertInto('tokens')
      .values({ ...pat, kind: 'pat', hash: hashToken(value), accountId: ctx.accountId(), workspaceId: null, botId: null, integrationId: null })
      .execute()
    return { pat: { ...pat, value } }
  },

  async listPersonalAccessTokens(_input, ctx) {
    const pats = await ctx.db
      .selectFrom('tokens')
      .select(['id', 'createdAt', 'note'])
      .where('kind', '=', 'pat')
      .where('accountId', '=', ctx.accountId())
      .orderBy('createdAt')
      .orderBy('id')
      .execute()
    return { pats }
  },

  async deletePersonalAccessToken({ id }, ctx) {
    const { numDeletedRows } = await ctx.db
      .deleteFrom('tokens')
      .where('id', '=', id)
      .where('kind', '=', 'pat')
      .where('accountId', '=', ctx.accountId())
      .executeTakeFirst()
    if (!numDeletedRows) throw notFound('Personal access token', id)
    ctx.services.auth.invalidate()
    return {}
  },
}
