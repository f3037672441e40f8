import { useState } from 'preact/hooks'
import { Field, ShownOnce, Time, valueOf, type useAction } from './ui.js'

type Action = ReturnType<typeof useAction>
type Key = { id: string; note: string; createdAt: string }

/**
 * Creates a key (a personal token, a bot key) from a note; its value, which the API returns only then, is shown
 * once under the form. `create` answers the new key's value.
 */
export function NewKeyForm({ action, create, button, shownAs, placeholder }: { action: Action; create: (note: string) => Promise<string>; button: string; shownAs: string; placeholder?: string }) {
  const [note, setNote] = useState('')
  const [secret, setSecret] = useState<string>()
  return (
    <>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault()
          void action.run(async () => {
            setSecret(await create(note || 'dashboard'))
            setNote('')
          })
        }}
      >
        <Field label="Note">
          <input value={note} onInput={(e) => setNote(valueOf(e))} placeholder={placeholder} />
        </Field>
        <button type="submit" disabled={action.busy}>
          {button}
        </button>
      </form>
      {secret && <ShownOnce value={secret} what={shownAs} />}
    </>
  )
}

/** A list's rows of keys (note, id, created), each with a Revoke button after a confirmation, when `revoke` is given. */
export function KeyRows({ keys, action, revoke, confirmText }: { keys: Key[]; action: Action; revoke?: (id: string) => Promise<void>; confirmText: string }) {
  return (
    <>
      {keys.map((k) => (
        <tr key={k.id}>
          <td>{k.note}</td>
          <td class="mono small">{k.id}</td>
          <td>
            <Time value={k.createdAt} />
          </td>
          <td>
            {revoke && (
              <button
                type="button"
                class="danger"
                onClick={() => {
                  if (confirm(confirmText)) void action.run(() => revoke(k.id))
                }}
              >
                Revoke
              </button>
            )}
          </td>
        </tr>
      ))}
    </>
  )
}
