/**
 * tfjs' cpu backend prints a multi-line "install tfjs-node" banner the first time each test file
 * creates a tensor. It says nothing about our code and buries real output, so tests drop exactly
 * that message; every other warning still shows.
 */
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (args.some((a) => typeof a === 'string' && a.includes('looks like you are running TensorFlow.js in Node.js'))) return;
  warn(...args);
};
