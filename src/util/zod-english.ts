import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

// agw's schemas are written with zod's mini API (functions, not methods):
// the classic API took ~10 ms of every start to load, and ~15 ms to build
// the config's schema, whose every node carries the classic API's methods,
// before agw could listen. The mini API has no messages of its own: without
// a locale every issue reads "Invalid input". English alone is loaded here
// (the classic API loads every language's module). Every module with a
// schema imports this one.
config(en());
