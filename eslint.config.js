// ESLint flat config (CONVENTIONS "Tooling"): no `any`, explicit return types on exported
// functions, consistent type imports so main-process code never leaks into the renderer bundle.
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import vueParser from 'vue-eslint-parser'

// DESIGN §1 layering: adapters → lab → scheduler → worker → engine; lab and scheduler → store;
// everything → src-shared. A folder may import the folders below it, never one above or beside
// it (the engine never imports the worker, the store never the worker, the scheduler never the
// lab). `complab serve` is the one adapter that starts another (the CLI runs the server).
const MAY_IMPORT = {
  electron: ['lab', 'scheduler', 'worker', 'engine', 'store'],
  server: ['lab', 'scheduler', 'worker', 'engine', 'store'],
  cli: ['server', 'lab', 'scheduler', 'worker', 'engine', 'store'],
  lab: ['scheduler', 'worker', 'engine', 'store'],
  scheduler: ['worker', 'engine', 'store'],
  worker: ['engine'],
  engine: [],
  store: [],
}
const LAYERS = Object.keys(MAY_IMPORT)

/** `no-restricted-imports` refusing relative imports that reach one of `folders` (`../../lab/x`). */
function refuse(folders, why) {
  const patterns = folders.map((f) => ({ regex: `^(\\.\\./)+${f}(/|$)`, message: `${why} (DESIGN §1 layering).` }))
  return { 'no-restricted-imports': ['error', { patterns }] }
}

const layering = [
  ...LAYERS.map((layer) => ({
    files: [`src-main/${layer}/**/*.ts`],
    rules: refuse(
      ['src-renderer', ...LAYERS.filter((l) => l !== layer && !MAY_IMPORT[layer].includes(l))],
      `src-main/${layer} may import only ${[...MAY_IMPORT[layer], 'src-shared'].join(', ')}`,
    ),
  })),
  { files: ['src-shared/**/*.ts'], rules: refuse(['src-main', 'src-renderer'], 'src-shared imports nothing of main or renderer') },
  { files: ['src-renderer/**/*.ts', 'src-renderer/**/*.vue'], rules: refuse(['src-main'], 'the renderer reaches main only through the contract') },
]

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', 'bench-results/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.ts', '**/*.vue'],
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, sourceType: 'module', extraFileExtensions: ['.vue'] },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['src-main/**/*.ts', 'src-shared/**/*.ts'],
    rules: { '@typescript-eslint/explicit-module-boundary-types': 'error' },
  },
  ...layering,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
)
