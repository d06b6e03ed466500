/** The languages people write HeyGen payloads in: JSON and JSONC, JavaScript and TypeScript, Python. */
export const PAYLOAD_LANGUAGES: readonly string[] = ['json', 'jsonc', 'javascript', 'typescript', 'javascriptreact', 'typescriptreact', 'python'];
