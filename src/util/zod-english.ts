import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

// zod's mini API carries no messages of its own: without a locale every
// issue reads "Invalid input". English alone (the classic API would load it
// too, with every other language's module beside it).
config(en());
