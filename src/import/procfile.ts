/**
 * Procfile (Heroku/foreman) → Draft (docs/import.md "Procfile"): each `name: command` line is a
 * program running `/bin/sh -c COMMAND` in the Procfile's folder with `PORT=5000+100×i`, as
 * foreman assigns it; `release:` is a one-shot step. Blank lines and `#` comments are skipped;
 * any other line is an error naming FILE:LINE. Pure.
 */
import { NameMap } from "./names.ts";
import { type Draft, ImportError, located, newBlock, type Note, setField } from "./types.ts";

const LINE_RE = /^([A-Za-z0-9_-]+):\s*(.*)$/;

/** Converts Procfile `text`; `file` is shown in messages, `dir` is the Procfile's folder. */
export function importProcfile(text: string, file: string, dir: string): Draft {
  const notes: Note[] = [];
  const draft: Draft = {
    kind: "procfile",
    file,
    daemon: newBlock("taskmaster"),
    programs: [],
    notes,
  };
  const names = new NameMap();
  const errors: string[] = [];
  let index = 0;
  text.replace(/\r\n?/g, "\n").split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = LINE_RE.exec(line);
    if (m === null) {
      errors.push(
        located(file, i + 1, `not a "name: command" line: ${JSON.stringify(line.slice(0, 60))}`),
      );
      return;
    }
    const [, source, command] = m as unknown as [string, string, string];
    if (command.trim() === "") {
      errors.push(located(file, i + 1, `${source}: empty command`));
      return;
    }
    const block = newBlock(names.add(source, `${file}:${i + 1}`, notes));
    setField(block, "cmd", ["/bin/sh", "-c", command.trim()]);
    setField(block, "workingdir", dir);
    setField(block, "env", { PORT: String(5000 + 100 * index) });
    if (source === "release") {
      setField(block, "autorestart", false, {
        path: source,
        kind: "approximate",
        message: "release is a one-shot step: runs once at start, never restarted",
      });
    } else setField(block, "autorestart", true);
    index++;
    draft.programs.push(block);
  });
  if (errors.length > 0) throw new ImportError(errors.join("\n"));
  return draft;
}
