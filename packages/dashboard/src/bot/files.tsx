/** Files: list (newest first, filter by tag), tags, a preview of text and images, download. */
import { useEffect, useState } from 'preact/hooks'
import { api, describeError } from '../api.js'
import type { BotPageProps } from '../pages/bot.js'
import { Empty, ErrorNote, Grid, More, Section, Tags, Time, usePaged } from '../ui.js'
import { useTagSearch } from './tag-search.js'

type FileRow = { id: string; key: string; size: number | null; contentType: string; tags: Record<string, string>; createdAt: string; status: string; url?: string }

export default function Files({ workspaceId, botId }: BotPageProps) {
  const client = api({ workspaceId, botId })
  const search = useTagSearch()
  const [selected, setSelected] = useState<string>()
  const list = usePaged(async (nextToken) => {
    const r = await client.listFiles({ nextToken, tags: search.tags, sortField: 'createdAt', sortDirection: 'desc' } as never)
    return { items: r.files as unknown as FileRow[], nextToken: r.meta.nextToken }
  }, [botId, search.text])
  return (
    <Section
      title="Files"
      actions={search.form}
    >
      <ErrorNote error={list.error} />
      <Grid label="Files" head={['Key', 'Type', 'Size', 'Tags', 'Created', '']}>
        {list.items.map((f) => (
          <tr key={f.id} aria-selected={f.id === selected}>
            <td class="wrap">{f.key}</td>
            <td class="small">{f.contentType}</td>
            <td>{f.size ?? '—'}</td>
            <td>
              <Tags tags={f.tags} />
            </td>
            <td>
              <Time value={f.createdAt} />
            </td>
            <td>
              <button type="button" onClick={() => setSelected(f.id === selected ? undefined : f.id)} aria-expanded={f.id === selected}>
                Preview
              </button>
            </td>
          </tr>
        ))}
      </Grid>
      <Empty when={!list.loading && !list.items.length}>No file.</Empty>
      <More list={list} />
      {selected && <Preview workspaceId={workspaceId} botId={botId} id={selected} />}
    </Section>
  )
}

function Preview({ workspaceId, botId, id }: { workspaceId: string; botId: string; id: string }) {
  const [file, setFile] = useState<FileRow>()
  const [text, setText] = useState<string>()
  const [error, setError] = useState<string>()
  useEffect(() => {
    setFile(undefined)
    setText(undefined)
    api({ workspaceId, botId })
      .getFile({ id })
      .then(async (r) => {
        const f = r.file as unknown as FileRow
        setFile(f)
        if (f.url && /^(text\/|application\/(json|xml|x-yaml|csv))/.test(f.contentType)) {
          const response = await fetch(f.url)
          const body = await response.text()
          setText(body.length > 20_000 ? `${body.slice(0, 20_000)}\n…` : body)
        }
      })
      .catch((e) => setError(describeError(e)))
  }, [id])
  return (
    <article class="preview" aria-label="File preview">
      <ErrorNote error={error} />
      {file && (
        <>
          <h3 class="wrap">{file.key}</h3>
          <p>
            {file.url && (
              <a class="button" href={file.url} download={file.key.split('/').pop()}>
                Download
              </a>
            )}
          </p>
          {file.contentType.startsWith('image/') && file.url && <img class="file-image" src={file.url} alt={file.key} />}
          {text !== undefined && <pre class="pre">{text}</pre>}
          {!file.contentType.startsWith('image/') && text === undefined && <p class="muted">No preview for {file.contentType}.</p>}
        </>
      )}
    </article>
  )
}
