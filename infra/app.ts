import { buildApp } from './build-app.ts';

// Creates the app and its stacks; no logic here (see build-app.ts).
buildApp().app.synth();
