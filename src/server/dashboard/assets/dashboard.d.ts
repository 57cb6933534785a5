/** The dashboard's browser script, imported as text (`with { type: "text" }`) and embedded in the binary. */
declare const text: string;
export default text;
