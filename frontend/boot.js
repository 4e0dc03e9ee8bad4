// Loads the Cistern client. Kept in its own file: the Content-Security-Policy forbids inline scripts.
import init from '/pkg/cistern_frontend.js';
init();
