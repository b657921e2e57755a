# runbook's session driver: one long-lived bash per run (see session.ts).
#
# Arguments: the session directory (owner-only) and the marker nonce. Commands arrive on fd 3, one a
# line: `step SEQ KEEP_CWD BACKGROUND NAME`. Each step file is sourced in this shell, so functions,
# `cd`, arrays, aliases and options persist from step to step, as when a reader pastes a guide into
# one terminal. The step file is `s<SEQ>/<NAME>` in the session directory. After a step the driver writes a dump of its state to `dump.SEQ` and a marker holding
# the status to stdout and to stderr: everything before the marker was printed by that step. Errexit
# and pipefail are on, so a failing command fails its step; a step that ends the shell (errexit,
# `exit`) is still dumped and marked by the EXIT trap. fd 4 stays open in the engine: when it closes
# (the engine stopped, or died), the watchdog removes the session directory and ends the whole
# session, background jobs included.
__rb_dir=$1 __rb_nonce=$2 __rb_seq=0 __rb_stopping=
set --
shopt -s expand_aliases
set -o errexit -o pipefail
# What the steps write may hold secrets (vault-init.json): owner-only, like the rest of the state.
umask 077
# The session directory holds dumps with the run's values: it goes with the session.
{ IFS= read -r -u 4 __rb_x || :; command rm -rf -- "$__rb_dir"; kill -TERM 0 2>/dev/null; } 3<&- &

__rb_dump() {
  local __rb_n __rb_a __rb_k
  local -a __rb_names
  {
    printf 'cwd\0%s\0' "$PWD"
    printf 'dirs\0%s\0' "${#DIRSTACK[@]}"
    printf '%s\0' "${DIRSTACK[@]}"
    compgen -v > "$__rb_dir/names" || :
    mapfile -t __rb_names < "$__rb_dir/names"
    for __rb_n in "${__rb_names[@]}"; do
      case $__rb_n in @DYNAMIC@) continue ;; esac
      __rb_a=${!__rb_n@a}
      case $__rb_a in
        *n*) ;;
        *[aA]*)
          local -n __rb_ref=$__rb_n
          printf 'a\0%s\0%s\0%s\0' "$__rb_n" "$__rb_a" "${#__rb_ref[@]}"
          for __rb_k in "${!__rb_ref[@]}"; do printf '%s\0%s\0' "$__rb_k" "${__rb_ref[$__rb_k]}"; done
          unset -n __rb_ref ;;
        *) printf 'v\0%s\0%s\0%s\0' "$__rb_n" "$__rb_a" "${!__rb_n-}" ;;
      esac
    done
    compgen -A function > "$__rb_dir/names" || :
    mapfile -t __rb_names < "$__rb_dir/names"
    for __rb_n in "${__rb_names[@]}"; do
      [[ $__rb_n == __rb_* ]] && continue
      printf 'f\0%s\0' "$__rb_n"; declare -f -- "$__rb_n"; printf '\0'
    done
    printf 'alias\0'; alias -p; printf '\0'
    printf 'options\0'; set +o; shopt -p; printf '\0'
  } > "$__rb_dir/dump.$1" 2>/dev/null
}

__rb_end() {  # SEQ STATUS [E: the shell is ending]
  __rb_dump "$1" || :
  printf '\037%s:%s:%s:%s\037' "$__rb_nonce" "$1" "$2" "${3-}"
  printf '\037%s:%s:%s:%s\037' "$__rb_nonce" "$1" "$2" "${3-}" >&2
}

trap '__rb_st=$?; [[ -n $__rb_stopping ]] || __rb_end "$__rb_seq" "$__rb_st" E' EXIT
while IFS=' ' read -r -u 3 __rb_verb __rb_seq __rb_keep __rb_bg __rb_name; do
  case $__rb_verb in
    step)
      __rb_prev=$PWD __rb_file=$__rb_dir/s$__rb_seq/$__rb_name
      if [[ $__rb_bg == 1 ]]; then
        source "$__rb_file" < /dev/null 3<&- 4<&- &
        printf 'runbook: started in the background (pid %s)\n' "$!" >&2
      else
        source "$__rb_file" < /dev/null 3<&- 4<&-
      fi
      [[ $__rb_keep == 1 ]] || builtin cd -- "$__rb_prev" 2>/dev/null || :
      __rb_end "$__rb_seq" 0 ;;
    stop) __rb_stopping=1; exit 0 ;;
  esac
done
__rb_stopping=1
