import { api } from '../api.js'
import { KeyRows, NewKeyForm } from '../key-list.js'
import type { BotPageProps } from '../pages/bot.js'
import { can } from '../role.js'
import { Empty, ErrorNote, Grid, Section, useAction, usePaged } from '../ui.js'

/** The bot's API keys (what a bot process uses as BP_TOKEN): create (shown once), revoke. */
export default function BotKeys({ workspaceId, botId, role }: BotPageProps) {
  const client = api({ workspaceId, botId })
  const list = usePaged(async () => {
    const r = await client.listBotApiKeys({ botId })
    return { items: r.baks }
  }, [botId])
  const action = useAction()
  const may = can(role, 'develop')
  const create = async (note: string) => {
    const r = await client.createBotApiKey({ botId, note })
    list.reload()
    return (r as { value: string }).value
  }
  const revoke = async (id: string) => {
    await client.deleteBotApiKey({ id })
    list.reload()
  }
  return (
    <Section title="Bot API keys">
      {may && <NewKeyForm action={action} create={create} button="Create key" shownAs="The bot's new key" />}
      <ErrorNote error={action.error ?? list.error} />
      <Grid label="Bot API keys" head={['Note', 'Id', 'Created', '']}>
        <KeyRows keys={list.items} action={action} revoke={may ? revoke : undefined} confirmText="Revoke this key?" />
      </Grid>
      <Empty when={!list.loading && !list.items.length}>No key.</Empty>
    </Section>
  )
}
