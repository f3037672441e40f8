// swagger-ui-dist ships no types. Only its path helper is loaded in Node: the UI itself is sent to the browser.
declare module 'swagger-ui-dist/absolute-path.js' {
  /** The folder holding swagger-ui-dist's files. */
  const absolutePath: () => string
  export default absolutePath
}
