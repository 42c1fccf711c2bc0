/**
 * `taskmasterctl completion bash|zsh`: completion scripts that complete command names and live
 * process names (fetched with the hidden `_names` command, honouring -c/-s on the line).
 */
import { NAME_COMMANDS_LIST, SHELL_COMMAND_LIST } from "./command_names.ts";

/** The completion script for `shell`. */
export function completionScript(shell: "bash" | "zsh"): string {
  const commands = SHELL_COMMAND_LIST.filter((c) => c !== "quit").join(" ");
  const nameCommands = NAME_COMMANDS_LIST.join("|");
  if (shell === "bash") {
    return `# taskmasterctl bash completion: eval "$(taskmasterctl completion bash)"
_taskmasterctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" i cmd="" target=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -c|-s|--config|--socket) target+=("\${COMP_WORDS[i]}" "\${COMP_WORDS[i+1]}"); ((i++)) ;;
      -*) ;;
      *) [ -z "$cmd" ] && cmd="\${COMP_WORDS[i]}" ;;
    esac
  done
  if [ -z "$cmd" ]; then
    COMPREPLY=($(compgen -W "${commands}" -- "$cur"))
    return
  fi
  case "$cmd" in
    ${nameCommands})
      COMPREPLY=($(compgen -W "$(taskmasterctl "\${target[@]}" _names 2>/dev/null)" -- "$cur")) ;;
    completion) COMPREPLY=($(compgen -W "bash zsh" -- "$cur")) ;;
    alert) COMPREPLY=($(compgen -W "test" -- "$cur")) ;;
    help) COMPREPLY=($(compgen -W "${commands}" -- "$cur")) ;;
  esac
}
complete -F _taskmasterctl taskmasterctl
`;
  }
  return `#compdef taskmasterctl
# taskmasterctl zsh completion: eval "$(taskmasterctl completion zsh)"
_taskmasterctl() {
  local -a target words2
  local i cmd=""
  for ((i = 2; i < CURRENT; i++)); do
    case "\${words[i]}" in
      -c|-s|--config|--socket) target+=("\${words[i]}" "\${words[i+1]}"); ((i++)) ;;
      -*) ;;
      *) [[ -z "$cmd" ]] && cmd="\${words[i]}" ;;
    esac
  done
  if [[ -z "$cmd" ]]; then
    compadd -- ${commands}
    return
  fi
  case "$cmd" in
    ${nameCommands})
      words2=(\${(f)"$(taskmasterctl "\${target[@]}" _names 2>/dev/null)"})
      compadd -- \${words2[@]} ;;
    completion) compadd -- bash zsh ;;
    alert) compadd -- test ;;
    help) compadd -- ${commands} ;;
  esac
}
if [[ "$(whence -w compdef)" == *function ]]; then compdef _taskmasterctl taskmasterctl; fi
`;
}
