import { render } from 'preact'
import './styles.css'
import { App } from './app.js'
import { applyTheme, storedTheme } from './theme.js'

applyTheme(storedTheme())
render(<App />, document.getElementById('app')!)
