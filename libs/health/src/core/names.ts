/** A component name: lowercase letters, digits, `_` and `-`, 1 to 64 characters. */
export const COMPONENT_NAME_PATTERN = /^[a-z0-9_-]{1,64}$/;
