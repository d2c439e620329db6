// A Nest CLI compiler plugin (nest-cli.json, compilerOptions.plugins): in what the Nest CLI builds
// (`nest build`, `nest start api --watch`), every import of @nest-health/core, or one of its
// sub-paths, requires the library's compiled sources (libs/health/src) by a relative path, so a
// change there reaches the running service.
// The Nest CLI's own paths rewrite does this only while no package of that name is installed:
// once `npm run build` has linked node_modules/@nest-health/core to the built package, it would
// leave the import alone and the service would run the last built package instead.
// Output layout (tsconfig.nest.json, rootDir the repository): dist/nest/api/{apps/api,libs/health}.
const { dirname, join, relative, sep } = require('node:path');
const ts = require('typescript');

const PACKAGE = '@nest-health/core';
const SOURCES = join(__dirname, '..', 'libs', 'health', 'src');

/** The relative specifier that replaces `specifier` in `fromFile`, or undefined to keep it. */
function sourceSpecifier(specifier, fromFile) {
  if (specifier !== PACKAGE && !specifier.startsWith(`${PACKAGE}/`)) return undefined;
  const target = join(SOURCES, specifier.slice(PACKAGE.length));
  const path = relative(dirname(fromFile), target).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

function before() {
  return (context) => (sourceFile) => {
    const { factory } = context;
    const visit = (node) => {
      const isImport = ts.isImportDeclaration(node);
      if (!isImport && !ts.isExportDeclaration(node)) return node;
      const literal = node.moduleSpecifier;
      if (!literal || !ts.isStringLiteral(literal)) return node;
      const replaced = sourceSpecifier(literal.text, sourceFile.fileName);
      if (!replaced) return node;
      const specifier = factory.createStringLiteral(replaced);
      return isImport
        ? factory.updateImportDeclaration(
            node,
            node.modifiers,
            node.importClause,
            specifier,
            node.attributes,
          )
        : factory.updateExportDeclaration(
            node,
            node.modifiers,
            node.isTypeOnly,
            node.exportClause,
            specifier,
            node.attributes,
          );
    };
    return ts.visitEachChild(sourceFile, visit, context);
  };
}

module.exports = { before, sourceSpecifier };
