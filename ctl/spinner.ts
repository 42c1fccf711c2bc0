/** A one-line progress indicator on stderr while a command waits (terminal only). */

/** Starts a spinner showing `label` when `enabled`; returns the function that clears it. */
export function startSpinner(
  label: string,
  enabled: boolean,
  write: (text: string) => void,
): () => void {
  if (!enabled) return () => {};
  const frames = ["|", "/", "-", "\\"];
  let i = 0;
  const draw = () => write(`\r${frames[i++ % frames.length]} ${label}`);
  draw();
  const timer = setInterval(draw, 100);
  return () => {
    clearInterval(timer);
    write("\r\x1b[K");
  };
}
