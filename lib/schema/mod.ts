/**
 * JSON Schema validation shared by every decision file reader and writer.
 *
 * @module
 */
export { assertValid, SchemaError } from "./validator.ts";
