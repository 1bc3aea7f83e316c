#!/usr/bin/env bash
# The plugin in a real terminal: Neovim in tmux (WIDTH columns, 24 lines, cmdheight=1) with
# flint-lsp and the loopback endpoint, driven by keys, checked by reading the screen. An
# inline edit ends in review with the actions line above its region; accept by its key; steer
# then accept then one `u`; an unreachable endpoint; a long message and a many-line answer.
# Nowhere a "Press ENTER" prompt.
# Usage: run_tmux.sh NVIM REPO FLINT_LSP FAKE_ENDPOINT WIDTH
set -euo pipefail
nvim=$1 repo=$2 flint_lsp=$3 fake_endpoint=$4 width=$5
work=$(mktemp -d)
socket="flint-tmux-$$"
tmux_() { tmux -L "$socket" "$@"; }
pids=()
cleanup() {
  tmux_ kill-server 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL (nvim $("$nvim" --version | head -1), $width columns): $*" >&2
  echo "--- screen:" >&2
  tmux_ capture-pane -p -t flint >&2 || true
  echo "--- flint-lsp log (last lines):" >&2
  tail -n 30 "$work/flint.log" >&2 || true
  tail -n 20 "$work/nvim.log" "$work/ui.log" >&2 2>/dev/null || true
  exit 1
}

screen() { tmux_ capture-pane -p -t flint; }

# wait_screen TEXT [SECONDS]: until the screen shows TEXT (fixed string).
wait_screen() {
  local deadline=$((SECONDS + ${2:-30}))
  while ((SECONDS < deadline)); do
    if screen | grep -qF -- "$1"; then return 0; fi
    sleep 0.1
  done
  fail "timed out waiting for \"$1\" on the screen"
}

no_prompt() {
  if screen | grep -qE 'Press ENTER|-- More --'; then fail "a prompt on the screen ($1)"; fi
}

# The model: a docstring (slow enough to be seen streaming), and a steered answer.
cat > "$work/script.json" <<'EOF'
{"rules": [
  {"match": "New instruction: use tau", "reply": {"text": "def area(r):\n    \"\"\"Steered.\"\"\"\n    return math.tau * r * r / 2\n", "tokensPerSecond": 200}},
  {"match": "Instruction: add docstring", "reply": {"text": "def area(r):\n    \"\"\"The area of a circle.\"\"\"\n    return 3.14 * r * r\n", "tokensPerSecond": 60, "firstTokenMs": 200}}
]}
EOF
"$fake_endpoint" --port 0 --port-file "$work/port" --script "$work/script.json" 2>"$work/endpoint.log" &
pids+=($!)
for _ in $(seq 100); do [[ -s $work/port ]] && break; sleep 0.05; done
port=$(cat "$work/port")

mkdir -p "$work/project/.git"
printf '# geometry\n\nimport math\n\n\ndef area(r):\n    return 3.14 * r * r\n' > "$work/project/geo.py"

cat > "$work/init.lua" <<EOF
vim.opt.runtimepath:prepend('$repo/editors/nvim')
vim.cmd('filetype on')
vim.cmd('runtime! plugin/flint.lua')
vim.o.cmdheight = 1
vim.o.laststatus = 2
vim.o.swapfile = false
vim.o.statusline = "%f %m%=%{v:lua.require'flint'.status()} %l:%c"
require('flint').setup({
  cmd = { '$flint_lsp', '--log-file', '$work/flint.log', '--log-level', 'debug' },
  root_dir = '$work/project',
  settings = { models = { fast = { provider = 'openai-chat',
    baseUrl = 'http://127.0.0.1:$port/v1', model = 'fake-fast' } } },
})
EOF

export XDG_CONFIG_HOME=$work/xdg/config XDG_DATA_HOME=$work/xdg/data
export XDG_STATE_HOME=$work/xdg/state XDG_CACHE_HOME=$work/xdg/cache
cd "$work/project"
version=$("$nvim" --version 2>/dev/null | head -1 || true)
if [[ $version =~ NVIM\ v0\.([0-9]+) ]] && ((BASH_REMATCH[1] >= 9)); then
  # 0.9+: the editor runs headless and the terminal UI attaches to it (a UI started directly
  # re-executes Neovim, which the unpacked 0.10's loader wrapper does not allow).
  "$nvim" --headless --listen "$work/nvim.sock" -u "$work/init.lua" -i NONE -n geo.py \
    >"$work/nvim.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [[ -S $work/nvim.sock ]] && break; sleep 0.05; done
  tmux_ new-session -d -s flint -x "$width" -y 24 "$nvim --remote-ui --server $work/nvim.sock 2>$work/ui.log"
else
  tmux_ new-session -d -s flint -x "$width" -y 24 "$nvim -u $work/init.lua -i NONE -n geo.py"
fi
wait_screen 'def area(r):' 15
sleep 1  # flint attaches

keys() { tmux_ send-keys -t flint "$@"; }

# 1. An inline edit from the function's body, streaming then in review.
keys '7G' ':FlintEdit add docstring' Enter
wait_screen 'flint: editing…'
no_prompt 'streaming'
wait_screen 'flint: in review'
no_prompt 'edit finished'
# The actions line names the session keys and sits right above the region's first line.
screen | grep -A1 -F 'flint: in review —' | tail -1 | grep -qF 'def area(r):' \
  || fail 'the actions line is not right above "def area(r):"'
screen | grep -F 'flint: in review —' | grep -qF 'accept <leader>ia' || fail 'the actions line names the accept key'
screen | grep -qF 'flint: edit ready: :FlintAccept or :FlintReject' || fail 'the message says what to do'
screen | grep -qF '"""The area of a circle."""' || fail 'the edit is in the buffer'
screen | grep -qF 'flint: in review "add docstring"' || fail 'the statusline names the instruction'

# 2. Accept by the session key.
keys '\' 'i' 'a'
for _ in $(seq 100); do screen | grep -qF 'flint: in review' || break; sleep 0.1; done
screen | grep -qF 'flint: in review' && fail 'the accept key did not end the review'
screen | grep -qF '"""The area of a circle."""' || fail 'accept kept the edit'
no_prompt 'accepted'

# 3. Steer in review, accept, one undo: the text before the session.
keys 'u'
wait_screen '    return 3.14 * r * r'
sleep 0.3
screen | grep -qF '"""The area of a circle."""' && fail 'undo after accept did not remove the edit'
keys '7G' ':FlintEdit add docstring' Enter
wait_screen 'flint: in review'
keys ':FlintSteer use tau' Enter
wait_screen '"""Steered."""'
wait_screen 'flint: in review'
keys ':FlintAccept' Enter
for _ in $(seq 100); do screen | grep -qF 'flint: in review' || break; sleep 0.1; done
no_prompt 'steered and accepted'
keys 'u'
sleep 0.5
screen | grep -qF 'Steered' && fail 'one undo after steer + accept left the steered text'
screen | grep -qF 'The area of a circle' && fail 'one undo after steer + accept left the first answer'
screen | grep -qF '    return 3.14 * r * r' || fail 'one undo after steer + accept: the original'

# 4. An endpoint that does not answer: the error in one line.
keys ":lua require('flint').set_settings({ models = { fast = { provider = 'openai-chat', baseUrl = 'http://127.0.0.1:1/v1', model = 'x' } } })" Enter
sleep 0.5
keys '7G' ':FlintEdit add docstring' Enter
wait_screen 'cannot connect' 30
sleep 1
no_prompt 'endpoint error'
screen | tail -1 | grep -qF 'flint: ' || fail 'the error is on the last line'

# 5. A long message and a job's answer of several lines: one line each.
keys ":lua require('flint.message').show('flint: edit refused: ' .. string.rep('a very long reason ', 12), vim.log.levels.ERROR)" Enter
sleep 0.5
no_prompt 'long message'
screen | tail -1 | grep -qF 'flint: edit refused: a very long reason' || fail 'the long message is shown cut'
keys ":lua require('flint.message').show('flint: job 1 done', vim.log.levels.INFO, 'The code is fine.\nNothing to change.\nline 3\nline 4\nline 5\nline 6\nline 7')" Enter
sleep 0.5
no_prompt 'answer of several lines'
screen | tail -1 | grep -qF 'flint: job 1 done' || fail 'the answer shows as its summary'
screen | grep -qF 'Nothing to change.' && fail 'the answer is echoed whole'
# ... and is whole in :messages.
keys ':messages' Enter
wait_screen 'line 7' 5
keys Enter
echo "PASS tmux at $width columns ($("$nvim" --version | head -1))"
