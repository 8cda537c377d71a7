// LaTeX (a math element's alttext) to plain words a speech voice can say: "h sub t equals
// tanh of W sub i h x sub t". Simple on purpose: the lesson's formulas are short, and a word
// for each symbol beats a voice spelling out backslashes and braces.

// biome-ignore format: a table, easier to read in rows
const NAMED = {
  alpha: "alpha", beta: "beta", gamma: "gamma", delta: "delta", epsilon: "epsilon",
  varepsilon: "epsilon", eta: "eta", theta: "theta", lambda: "lambda", mu: "mu", pi: "pi",
  rho: "rho", sigma: "sigma", tau: "tau", phi: "phi", varphi: "phi", psi: "psi", omega: "omega",
  Delta: "delta", Sigma: "sigma", Theta: "theta", Phi: "phi", Omega: "omega",
  tanh: "tanh", sin: "sine", cos: "cosine", exp: "exp", log: "log", ln: "log", max: "max",
  min: "min", softmax: "softmax", sum: "the sum of", prod: "the product of",
  in: "in", times: "times", cdot: "times", odot: "element-wise times", otimes: "times",
  ldots: "dot dot dot", dots: "dot dot dot", cdots: "dot dot dot", to: "to", rightarrow: "to",
  approx: "is about", le: "is at most", leq: "is at most", ge: "is at least",
  geq: "is at least", ne: "is not", neq: "is not", infty: "infinity", partial: "partial",
  nabla: "the gradient of", top: "transpose", mid: "given", pm: "plus or minus",
};
// Functions: an opening bracket after them reads "of".
// biome-ignore format: a table, easier to read in rows
const FUNCTIONS = new Set(["tanh", "sin", "cos", "exp", "log", "ln", "max", "min", "softmax",
  "sigma"]);
// biome-ignore format: a table, easier to read in rows
const SILENT = new Set(["left", "right", "big", "Big", "bigg", "Bigg", "displaystyle", "quad",
  "qquad", ",", ";", ":", "!", " ", "{", "}", "|", "limits"]);
// biome-ignore format: a table, easier to read in rows
const STYLED = new Set(["text", "mathrm", "mathbf", "mathit", "mathsf", "mathbb", "mathcal",
  "boldsymbol", "operatorname", "textrm", "textbf"]);
const ACCENTS = { hat: "hat", bar: "bar", tilde: "tilde", dot: "dot", vec: "vector" };
// biome-ignore format: a table, easier to read in rows
const SYMBOLS = { "=": "equals", "+": "plus", "-": "minus", "<": "is less than",
  ">": "is greater than", "/": "over", "'": "prime", "|": "", "!": "factorial", ",": "," };
const POWERS = { 2: "squared", 3: "cubed", T: "transpose", top: "transpose", "-1": "inverse" };

/** Return the tokens of a LaTeX string: commands, letters, numbers and single symbols. */
function tokenize(latex) {
  return latex.match(/\\[A-Za-z]+|\\.|\d+(?:\.\d+)?|[A-Za-z]|\S/g) ?? [];
}

/** Return the words for `latex`, e.g. "x sub t in R to the power D". */
export function mathSpeech(latex) {
  const tokens = tokenize(latex);
  let i = 0;
  const words = [];
  let lastWasName = false; // a function or a letter: "(" after it reads "of"

  // One argument: a {group} or the next single token, as words.
  const argument = () => {
    if (tokens[i] === "{") {
      let depth = 0;
      const start = ++i;
      for (; i < tokens.length; i++) {
        if (tokens[i] === "{") depth++;
        else if (tokens[i] === "}" && depth-- === 0) break;
      }
      return mathSpeech(tokens.slice(start, i++).join(" "));
    }
    return mathSpeech(tokens[i++] ?? "");
  };
  const say = (text, isName = false) => {
    if (text) words.push(text);
    lastWasName = isName;
  };

  while (i < tokens.length) {
    const t = tokens[i++];
    const name = t.startsWith("\\") ? t.slice(1) : null;
    if (t === "_") say(`sub ${argument()}`, true);
    else if (t === "^") {
      const start = i;
      const power = argument();
      const raw = tokens
        .slice(start, i)
        .join("")
        .replace(/[{}\\]/g, "");
      say(POWERS[raw] ?? `to the power ${power}`);
    } else if (t === "(" || t === "[") say(lastWasName ? "of" : "");
    else if (t === "{" || t === "}") say("", lastWasName);
    else if (t === ")" || t === "]") say("");
    else if (name === "frac") say(`${argument()} over ${argument()}`);
    else if (name === "sqrt") say(`the square root of ${argument()}`);
    else if (name && STYLED.has(name)) say(argument(), true);
    else if (name && ACCENTS[name]) say(`${argument()} ${ACCENTS[name]}`, true);
    else if (name && SILENT.has(name)) continue;
    else if (name && NAMED[name]) say(NAMED[name], FUNCTIONS.has(name));
    else if (name)
      say(name, true); // an unknown command: its name is the best guess
    else if (t in SYMBOLS) say(SYMBOLS[t]);
    else say(t, /[A-Za-z]/.test(t));
  }
  return words.join(" ").replace(/\s+,/g, ",").replace(/\s+/g, " ").trim();
}
