// `npm start` runs the whole onboarding locally once the workflow lands (issue 5).
// Until then it says so plainly instead of pretending to do something.
console.error(
  'muster: the local onboarding run is not built yet.\n' +
    'The workflow (state machine, local runner and stand-in wiring) has not landed; see README.md, "Status".\n' +
    'What works today: `npm test` and `npm run build`.',
);
process.exit(1);
