#!/usr/bin/env node
// npm links workspace bins into the root node_modules/.bin (the root package's own `bin` is not
// linked there), so this is what `npx headroom` finds; it hands over to the repository launcher.
import '../../../bin/headroom.js';
