/**
 * A translator turns one CLI's argv (`aws …`, `gcloud …`, `kubectl …`) into a typed SDK call.
 * Translators return calls, not effects: the engine sends them through one path (engine/send.ts).
 */

export interface Call {
  /** Which translator made it: the key of the translator table. */
  tool: string;
  /** `KMS.CreateKey`, shown in plans and events. */
  operation: string;
  input: unknown;
  /** Creates or changes something (confirmation, adoption); reads are false. */
  mutating: boolean;
  /** One line for the plan: `KMS.CreateKey {"Description":"…"}`. */
  display: string;
}

export interface TranslateContext {
  /** Where relative `file://` paths resolve first (the run's work directory), then `fallbackDirs`. */
  cwd: string;
  fallbackDirs?: string[];
  /** At check/plan time files written by earlier steps do not exist yet. */
  planning?: boolean;
  /** Variables of the run: some translators need them (e.g. a namespace default). */
  env?: Record<string, string>;
  /** What feeds the command's stdin (a heredoc, a pipe), e.g. for `kubectl apply -f -`. */
  stdin?: string;
}

export interface Issue {
  /** Which argv word is wrong (0 = the tool's name). */
  argIndex: number;
  message: string;
  ruleId: string;
  note?: string;
  severity: 'error' | 'warning';
}

export interface SendContext {
  signal?: AbortSignal;
  /** Stable for one call of one step across attempts and resumes: what an idempotency token is made from. */
  idempotencyKey?: string;
  /** Stdin for the call (a pipeline or heredoc feeding it), when the tool reads it. */
  stdin?: string;
  env: Record<string, string>;
}

export interface Translator<C extends Call = Call> {
  tool: string;
  /** Whether this argv is one the translator handles (others fall back to the shell). */
  handles(argv: string[]): boolean;
  translate(argv: string[], context: TranslateContext): Promise<C>;
  validate(argv: string[], context: TranslateContext): Promise<Issue[]>;
  send(call: C, context: SendContext): Promise<unknown>;
  /** What the CLI would print for this result. */
  format(result: unknown, call: C): string;
  /** What a successful mutating call did, when the result says (an apply that changed an existing object). */
  outcomeOf?(result: unknown, call: C): 'created' | 'updated' | 'adopted' | undefined;
  /**
   * Values the call sends in members the SDK marks sensitive (`--secret-string "$DBPASS"`): secrets for
   * the rest of the run wherever they came from, and so are the variables that hold them.
   */
  secretsIn?(call: C): string[];
  /** Values in the result the SDK marks sensitive: redacted everywhere. */
  secretsOf?(result: unknown, call: C): string[];
  /** The service said the resource exists (409, ALREADY_EXISTS, EntityAlreadyExists…). */
  isAlreadyExists?(error: unknown): boolean;
  /**
   * A mutating call that can be sent twice with one effect (an idempotency token the engine gives it, a
   * PUT of a whole value): the engine retries it freely. Others are re-sent only after asking whether
   * the first attempt landed (see engine/send.ts).
   */
  isIdempotent?(call: C): boolean;
  /**
   * A create with neither a token nor a name to find it by (KMS CreateKey): the call with a mark the
   * resource will carry (a tag made from `key`), so the adoption lookup finds it before a re-send or
   * on resume. Undefined when the operation needs none.
   */
  mark?(call: C, key: string): C | undefined;
  /** Throttling, 5xx, timeouts: worth another attempt. */
  isRetryable?(error: unknown): boolean;
  /**
   * What the real CLI prints on stderr, and the status it exits with, when this command fails: a
   * translation error (a flag the CLI refuses: its usage error) or a service error (`An error
   * occurred (NoSuchEntity) when calling the GetRole operation: …`, exit 255 for aws v1). The shell
   * session relays it, so `if ! aws iam get-role …; then` behaves as with the CLI.
   */
  failure?(error: unknown, argv: string[]): { stdout?: string; stderr: string; exitCode: number };
  /** What the CLI prints on stderr when the call succeeds (kubectl's `Defaulted container …`, a remote command's stderr). */
  stderrOf?(result: unknown, call: C): string;
  /**
   * A translation error that means "no SDK translation for this command" (a service whose SDK client is
   * not installed, a CLI-only customization), not "the CLI would refuse it": the real CLI runs it
   * instead when one is installed.
   */
  isUntranslatable?(error: unknown): boolean;
  /** Whether the command reads its stdin (`-f -`, `file:///dev/stdin`): the session hands it over only then. */
  readsStdin?(argv: string[]): boolean | Promise<boolean>;
  /** How to find what a creating call would duplicate (see engine/send.ts). */
  adoption?: AdoptionTable<C>;
  /**
   * Operations whose create fails on a duplicate (AlreadyExists/409): they are sent first and
   * adopted only on that conflict, saving a lookup round trip on the common path. The others
   * (a key has no name, an attachment never conflicts) are looked up before the call.
   */
  adoptOnConflict?: ReadonlySet<string>;
}

export interface AdoptionContext<C extends Call> {
  send(call: C): Promise<unknown>;
  translate(argv: string[]): Promise<C>;
  /** Later commands of the runbook, bound with the values known now (e.g. the alias that names a key). */
  laterArgv: string[][];
  /** The variable this call's output is captured into, if any. */
  capture?: string;
}

/** Per operation: find the existing resource (its output shaped like the creating call's), or undefined. */
export type AdoptionTable<C extends Call> = Record<string, (call: C, context: AdoptionContext<C>) => Promise<AdoptResult | undefined>>;

export interface AdoptResult {
  /** Output in the shape the creating call returns, so `--query` works the same. */
  output: unknown;
  /** "adopted" when the resource existed; "updated" when it existed and was converged. */
  outcome: 'adopted' | 'updated';
  detail: string;
}
