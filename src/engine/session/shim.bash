#!@BASH@
# runbook: this @TOOL@ is served by the `runbook exec` that runs this shell session.
#
# The request (token, tool, working directory, argv; the environment too where there is no /proc to
# read it from) goes into the owner-only session directory; the shim names itself on the channel and
# follows the engine's answers on its own FIFO: `in` (hand over stdin), `out STATUS FILES` (print the
# output files, exit with STATUS), `exec - PATH` (run the real CLI instead, with the shims off PATH).
__rb_d=@DIR@
__rb_r=$__rb_d/calls/$$
command mkfifo -m 600 "$__rb_r.fifo" 2>/dev/null || { printf 'runbook: cannot reach the engine for %s\n' @TOOL_Q@ >&2; exit 70; }
exec 9<>"$__rb_r.fifo"
{
  printf '%s\0' @TOKEN@ @TOOL_Q@ "$PWD" "$#" "$@"
  if [[ ! -r /proc/$$/environ ]]; then for __rb_n in $(compgen -e); do printf '%s=%s\0' "$__rb_n" "${!__rb_n}"; done; fi
} > "$__rb_r.req"
printf '%s\n' "$$" > "$__rb_d/channel"
while IFS=' ' read -r -u 9 __rb_k __rb_a __rb_b; do
  case $__rb_k in
    in) command cat > "$__rb_r.in"; printf '%s in\n' "$$" > "$__rb_d/channel" ;;
    out)
      if [[ $__rb_b == *1* ]]; then IFS= read -r -d '' __rb_o < "$__rb_r.1" || :; printf '%s' "$__rb_o"; fi
      if [[ $__rb_b == *B* ]]; then command cat -- "$__rb_r.1"; fi
      if [[ $__rb_b == *2* ]]; then IFS= read -r -d '' __rb_o < "$__rb_r.2" || :; printf '%s' "$__rb_o" >&2; fi
      printf '%s bye\n' "$$" > "$__rb_d/channel"
      exit "$__rb_a" ;;
    exec)
      printf '%s bye\n' "$$" > "$__rb_d/channel"
      exec 9<&-
      PATH=${PATH//"$__rb_d/bin:"/}
      exec "$__rb_b" "$@" ;;
  esac
done
printf 'runbook: the engine serving %s went away\n' @TOOL_Q@ >&2
exit 70
