/** Terminal colours, only when stdout is a TTY and NO_COLOR is unset. */
const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof codes;

export const colourEnabled = (stream: NodeJS.WriteStream = process.stdout) => !!stream.isTTY && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

export function paint(colour: Colour, text: string, stream?: NodeJS.WriteStream): string {
  return colourEnabled(stream) ? `\x1b[${codes[colour]}m${text}\x1b[0m` : text;
}
