/** The tag filter of a bot's list pages (conversations, users, files): `?tags=key=value …` in the address, a form to change it. */
import { useState } from 'preact/hooks'
import { setQuery, useLocation } from '../router.js'
import { Field, valueOf } from '../ui.js'

/** `key=value key2=value2` into a tags object. */
export function parseTags(text: string): Record<string, string> | undefined {
  const tags: Record<string, string> = {}
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const i = part.indexOf('=')
    if (i > 0) tags[part.slice(0, i)] = part.slice(i + 1)
  }
  return Object.keys(tags).length ? tags : undefined
}

/** The filter in the address: its text (for a list's dependencies and messages) and the search form that sets it. */
export function useTagSearch() {
  const text = useLocation().query.get('tags') ?? ''
  return { text, tags: parseTags(text), form: <TagSearch text={text} /> }
}

function TagSearch({ text }: { text: string }) {
  const [draft, setDraft] = useState(text)
  return (
    <form
      class="inline"
      role="search"
      onSubmit={(e) => {
        e.preventDefault()
        setQuery({ tags: draft.trim() || undefined })
      }}
    >
      <Field label="Tags">
        <input value={draft} onInput={(e) => setDraft(valueOf(e))} placeholder="key=value" />
      </Field>
      <button type="submit">Search</button>
    </form>
  )
}
