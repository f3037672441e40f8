import type { Db } from '../store/store.js'

/**
 * A bot's id is a user id in every chat operation (its messages, its place among participants, `getUser`), as
 * in Botpress: each bot has a user row of its own id, written with the bot.
 */
export async function insertBotUser(db: Db, botId: string, now: string): Promise<void> {
  await db
    .insertInto('users')
    .values({ id: botId, botId, name: null, pictureUrl: null, tags: '{}', lookupKey: null, createdAt: now, updatedAt: now })
    .onConflict((oc) => oc.doNothing())
    .execute()
}
