/** The shell: session, header (theme toggle, account), the page for the current path. */
import { useEffect, useState } from 'preact/hooks'
import { describeError, loadSession, signOut, type Session } from './api.js'
import { lazy } from './lazy.js'
import { navigate, useLocation } from './router.js'
import { applyTheme, nextTheme, storedTheme, type Theme } from './theme.js'

const Workspaces = lazy(() => import('./pages/workspaces.js'))
const Bots = lazy(() => import('./pages/bots.js'))
const Members = lazy(() => import('./pages/members.js'))
const Keys = lazy(() => import('./pages/keys.js'))
const Bot = lazy(() => import('./pages/bot.js'))

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined)
  const [error, setError] = useState<string>()
  useEffect(() => {
    loadSession().then((s) => setSession(s ?? null), (e) => setError(describeError(e)))
  }, [])
  if (error) return <Shell session={undefined}><p class="error" role="alert">{error}</p></Shell>
  if (session === undefined) return <Shell session={undefined}><p class="muted" role="status">Loading…</p></Shell>
  if (session === null) return <Shell session={undefined}><SignIn /></Shell>
  return (
    <Shell session={session}>
      <Routes />
    </Shell>
  )
}

function Routes() {
  const { path } = useLocation()
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent)
  if (parts.length === 0) return <Workspaces />
  if (parts[0] === 'keys') return <Keys />
  if (parts[0] === 'w' && parts[1]) {
    const workspaceId = parts[1]
    if (parts.length === 2) return <Bots workspaceId={workspaceId} />
    if (parts[2] === 'members') return <Members workspaceId={workspaceId} />
    if (parts[2] === 'bots' && parts[3]) return <Bot workspaceId={workspaceId} botId={parts[3]} tab={parts[4] ?? 'conversations'} sub={parts[5]} />
  }
  return (
    <main id="main" class="page">
      <h1>Not found</h1>
      <p>
        There is no page at <code>{path}</code>. <a href="/">Workspaces</a>
      </p>
    </main>
  )
}

function SignIn() {
  return (
    <main id="main" class="page narrow">
      <h1>Sign in to bpkit</h1>
      <p>The dashboard opens with a one-time sign-in link. On the machine that runs the server:</p>
      <pre class="pre">bpkit open</pre>
      <p>prints a fresh link (and opens it in a browser when there is one). An invitation link from a workspace owner or administrator signs you in too.</p>
    </main>
  )
}

function Shell({ session, children }: { session: Session | undefined; children: preact.ComponentChildren }) {
  const [theme, setTheme] = useState<Theme>(storedTheme())
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus() }}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          bpkit
        </a>
        <nav aria-label="Main" class="top-nav">
          {session && <a href="/">Workspaces</a>}
          {session && <a href="/keys">API keys</a>}
          <a href="/docs" target="_blank" rel="noopener">API reference</a>
        </nav>
        <div class="top-right">
          <button
            type="button"
            class="ghost"
            aria-label={`Theme: ${theme}. Switch theme`}
            title="Switch theme (system, dark, light)"
            onClick={() => {
              const t = nextTheme(theme)
              applyTheme(t)
              setTheme(t)
            }}
          >
            {theme === 'dark' ? '☾ Dark' : theme === 'light' ? '☀ Light' : '◐ System'}
          </button>
          {session && (
            <span class="account" title={session.account.email}>
              {session.account.displayName || session.account.email}
            </span>
          )}
          {session && (
            <button
              type="button"
              class="ghost"
              onClick={() => {
                void signOut().finally(() => {
                  navigate('/', true)
                  location.reload()
                })
              }}
            >
              Sign out
            </button>
          )}
        </div>
      </header>
      {children}
    </>
  )
}
