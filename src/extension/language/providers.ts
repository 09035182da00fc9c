import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import * as vscode from 'vscode';
import { toRange } from '../convert';
import { complete, type CompletionKind } from './completion';
import { describeWorkflowFile, filesBeside } from '../../engine/validateFile';
import { cursorContext } from './cursorContext';
import { findWorkflowFiles, WORKFLOW_SELECTOR, type WorkflowDocuments } from './documents';
import { wantsWorkflowFiles, type FileLookups } from './subWorkflowCompletion';
import { hoverAt, type HoverLookups } from './hover';
import { filesReadNow } from './hashFilesPreview';
import { QUICK_FIX_KINDS, quickFixProvider } from './quickFixes';
import {
  definitionAt,
  documentSymbols,
  givenInputAt,
  mentionsAt,
  namedAt,
  prepareRename,
  renameEdits,
  subRunOutputAt,
  subWorkflowLinks,
  type WorkflowSymbol,
} from './navigation';
import { sharedOutputNote } from '../../engine/edits/outputRename';
import { nodeScriptFiles, scriptFileWrites } from '../../engine/scriptFiles';
import {
  addCallerInputEdits,
  addCallerOutputEdits,
  addScriptOutputEdits,
  inputDefinition,
  renameGivenInput,
  renameSubRunOutput,
  scriptWriteLocations,
  subRunOutputDefinitions,
} from './workflowTexts';
import type { WorkflowIndex } from '../../engine/workflowIndex';
import type { Span } from '../../engine/diagnostics';

const ITEM_KIND: Record<CompletionKind, vscode.CompletionItemKind> = {
  property: vscode.CompletionItemKind.Property,
  node: vscode.CompletionItemKind.Module,
  context: vscode.CompletionItemKind.Variable,
  function: vscode.CompletionItemKind.Function,
  output: vscode.CompletionItemKind.Field,
  input: vscode.CompletionItemKind.Variable,
  value: vscode.CompletionItemKind.EnumMember,
  field: vscode.CompletionItemKind.Field,
  file: vscode.CompletionItemKind.File,
  snippet: vscode.CompletionItemKind.Snippet,
};

const SYMBOL_KIND: Record<WorkflowSymbol['kind'], vscode.SymbolKind> = {
  workflow: vscode.SymbolKind.File,
  inputs: vscode.SymbolKind.Namespace,
  input: vscode.SymbolKind.Variable,
  nodes: vscode.SymbolKind.Namespace,
  node: vscode.SymbolKind.Function,
};

type Index = (doc: vscode.TextDocument) => WorkflowIndex;

/** Registers completion, hover, navigation, rename, outline and quick fixes for workflow files. */
/** Told of an input renamed in a workflow file (the edit made), so that what was given to it last follows. */
export type InputRenamed = (workflow: vscode.Uri, from: string, to: string) => Promise<void>;

export function registerLanguageFeatures(documents: WorkflowDocuments, inputRenamed: InputRenamed): vscode.Disposable[] {
  const index: Index = (doc) => documents.index(doc);
  return [
    vscode.languages.registerCompletionItemProvider(WORKFLOW_SELECTOR, completionProvider(index), '.', ' ', '[', ',', '{', '/'),
    vscode.languages.registerHoverProvider(WORKFLOW_SELECTOR, {
      provideHover(doc, pos) {
        const h = hoverAt(index(doc), doc.offsetAt(pos), doc.uri.scheme === 'file' ? hoverLookups(doc, index(doc)) : undefined);
        return h ? new vscode.Hover(new vscode.MarkdownString(h.markdown), toRange(doc, h.span)) : undefined;
      },
    }),
    ...navigationProviders(index),
    vscode.languages.registerRenameProvider(WORKFLOW_SELECTOR, renameProvider(index, inputRenamed)),
    vscode.languages.registerDocumentSymbolProvider(WORKFLOW_SELECTOR, {
      provideDocumentSymbols(doc) {
        const convert = (s: WorkflowSymbol): vscode.DocumentSymbol => {
          const symbol = new vscode.DocumentSymbol(s.name, s.detail ?? '', SYMBOL_KIND[s.kind], toRange(doc, s.span), toRange(doc, s.selectionSpan));
          symbol.children = s.children.map(convert);
          return symbol;
        };
        return documentSymbols(index(doc)).map(convert);
      },
    }),
    vscode.languages.registerCodeActionsProvider(WORKFLOW_SELECTOR, quickFixProvider(index), { providedCodeActionKinds: QUICK_FIX_KINDS }),
  ];
}

function completionProvider(index: Index): vscode.CompletionItemProvider {
  return {
    async provideCompletionItems(doc, pos) {
      const i = index(doc);
      const lookups = doc.uri.scheme === 'file' ? await fileLookups(doc, pos, i) : undefined;
      return complete(i, doc.offsetAt(pos), lookups).map((c) => {
        const item = new vscode.CompletionItem(c.label, ITEM_KIND[c.kind]);
        item.detail = c.detail;
        if (c.documentation) item.documentation = new vscode.MarkdownString(c.documentation);
        item.insertText = c.snippet ? new vscode.SnippetString(c.insertText) : c.insertText;
        item.range = new vscode.Range(doc.positionAt(c.replaceStart), c.replaceEnd === undefined ? pos : doc.positionAt(c.replaceEnd));
        if (c.filterText) item.filterText = c.filterText;
        if (c.sortText) item.sortText = c.sortText;
        if (c.additionalEdits) item.additionalTextEdits = c.additionalEdits.map((e) => vscode.TextEdit.replace(toRange(doc, e.span), e.newText));
        if (c.kind === 'property' && c.insertText.includes('\n')) item.command = { command: 'editor.action.triggerSuggest', title: 'Suggest' };
        return item;
      });
    },
  };
}

/**
 * What completion reads beside the document: the workspace's workflow files (only where a `workflow:` value is
 * completed), sub-workflows' inputs and outputs, and the outputs the script files a node runs write.
 */
async function fileLookups(doc: vscode.TextDocument, pos: vscode.Position, i: WorkflowIndex): Promise<FileLookups> {
  // The line is looked at first: most completions are nowhere near a `workflow:` value (a key of the line, or of a
  // flow mapping on it: `deploy: { workflow: ./|`).
  const onWorkflowLine = /(?:^\s*|[{,]\s*)workflow:\s/.test(doc.lineAt(pos.line).text.slice(0, pos.character));
  const wanted = onWorkflowLine && wantsWorkflowFiles(cursorContext(doc.getText(), doc.offsetAt(pos)));
  const beside = filesBeside(doc.uri.fsPath);
  return {
    file: doc.uri.fsPath,
    workflowFiles: wanted ? (await findWorkflowFiles()).filter((u) => u.scheme === 'file').map((u) => u.fsPath) : [],
    inputsOf: (written) => beside.workflowInputs?.(written),
    outputsOf: (written) => beside.workflowOutputs?.(written),
    scriptOutputsOf: (nodeId) => nodeScriptFiles(i, doc.uri.fsPath, nodeId).flatMap((c) => scriptFileWrites(c)?.map((w) => w.output) ?? []),
  };
}

/**
 * What a hover in a saved workflow reads beside it: the sub-workflows it names, the scripts its nodes run, the files
 * a hashFiles() call reads (below `defaults.cwd`, else the file's folder, as the engine reads them).
 */
function hoverLookups(doc: vscode.TextDocument, i: WorkflowIndex): HoverLookups {
  const folder = dirname(doc.uri.fsPath);
  const cwd = i.result.workflow.defaultCwd;
  return {
    filesRead: (args) => (cwd?.includes('${{') ? undefined : filesReadNow(cwd === undefined ? folder : resolve(folder, cwd), args)),
    describe: (written) => describeWorkflowFile(isAbsolute(written) ? written : resolve(folder, written)),
    scriptWriters: (nodeId, output) => [
      ...new Set(
        nodeScriptFiles(i, doc.uri.fsPath, nodeId)
          .filter((c) => scriptFileWrites(c)?.some((w) => w.output === output))
          .map((c) => relative(folder, c.path)),
      ),
    ],
  };
}

/** The sub-workflow files the nodes of a saved workflow name that exist, with where each is named. */
function subWorkflowTargets(doc: vscode.TextDocument, i: WorkflowIndex): { span: Span; file: vscode.Uri }[] {
  if (doc.uri.scheme !== 'file') return [];
  const folder = dirname(doc.uri.fsPath);
  return subWorkflowLinks(i).flatMap((l) => {
    const path = isAbsolute(l.written) ? l.written : resolve(folder, l.written);
    return existsSync(path) ? [{ span: l.span, file: vscode.Uri.file(path) }] : [];
  });
}

/** Go to definition (of a node, an input, or the file a sub-workflow node runs), references, and highlights. */
function navigationProviders(index: Index): vscode.Disposable[] {
  const mentions = (doc: vscode.TextDocument, pos: vscode.Position) => mentionsAt(index(doc), doc.offsetAt(pos));
  return [
    vscode.languages.registerDefinitionProvider(WORKFLOW_SELECTOR, {
      provideDefinition(doc, pos) {
        const offset = doc.offsetAt(pos);
        // An output of a sub-workflow node goes to the node that gives it in the file it runs; a key of its with:, to the input there.
        const subRun = doc.uri.scheme === 'file' ? subRunOutputAt(index(doc), offset) : undefined;
        if (subRun) return subRunOutputDefinitions(calleeOf(doc, subRun.workflow), subRun.output);
        const span = definitionAt(index(doc), offset);
        if (span) return new vscode.Location(doc.uri, toRange(doc, span));
        // An output the node neither declares nor writes itself: where a script file it runs writes it.
        const named = namedAt(index(doc), offset);
        if (named?.kind === 'output') return scriptWriteLocations(doc.uri, index(doc), named.nodeId, named.name);
        const given = doc.uri.scheme === 'file' ? givenInputAt(index(doc), offset) : undefined;
        if (given) return inputDefinition(calleeOf(doc, given.workflow), given.input);
        const file = subWorkflowTargets(doc, index(doc)).find((t) => t.span.start <= offset && offset <= t.span.end)?.file;
        return file ? new vscode.Location(file, new vscode.Position(0, 0)) : undefined;
      },
    }),
    vscode.languages.registerDocumentLinkProvider(WORKFLOW_SELECTOR, {
      provideDocumentLinks(doc) {
        return subWorkflowTargets(doc, index(doc)).map((t) => {
          const link = new vscode.DocumentLink(toRange(doc, t.span), t.file);
          link.tooltip = 'Open the sub-workflow';
          return link;
        });
      },
    }),
    vscode.languages.registerReferenceProvider(WORKFLOW_SELECTOR, {
      provideReferences(doc, pos, context) {
        return mentions(doc, pos)
          .filter((x) => context.includeDeclaration || x.role !== 'definition')
          .map((x) => new vscode.Location(doc.uri, toRange(doc, x.span)));
      },
    }),
    vscode.languages.registerDocumentHighlightProvider(WORKFLOW_SELECTOR, {
      provideDocumentHighlights(doc, pos) {
        const kind = (role: string) => (role === 'definition' ? vscode.DocumentHighlightKind.Write : vscode.DocumentHighlightKind.Read);
        return mentions(doc, pos).map((x) => new vscode.DocumentHighlight(toRange(doc, x.span), kind(x.role)));
      },
    }),
  ];
}

/** The file a sub-workflow path written in a document names. */
const calleeOf = (doc: vscode.TextDocument, written: string): vscode.Uri =>
  vscode.Uri.file(isAbsolute(written) ? written : resolve(dirname(doc.uri.fsPath), written));

function renameProvider(index: Index, inputRenamed: InputRenamed): vscode.RenameProvider {
  /** A key of a sub-workflow node's with: renames the input of the file it runs, from here. */
  const givenAt = (doc: vscode.TextDocument, pos: vscode.Position) => (doc.uri.scheme === 'file' ? givenInputAt(index(doc), doc.offsetAt(pos)) : undefined);
  /** An output of a sub-workflow node renames the output of the file it runs, from here. */
  const subRunAt = (doc: vscode.TextDocument, pos: vscode.Position) => (doc.uri.scheme === 'file' ? subRunOutputAt(index(doc), doc.offsetAt(pos)) : undefined);
  return {
    prepareRename(doc, pos) {
      const given = givenAt(doc, pos);
      if (given) return { range: toRange(doc, given.span), placeholder: given.input };
      const subRun = subRunAt(doc, pos);
      if (subRun) return { range: toRange(doc, subRun.span), placeholder: subRun.output };
      const r = prepareRename(index(doc), doc.offsetAt(pos));
      if ('error' in r) throw new Error(r.error);
      return { range: toRange(doc, r.span), placeholder: r.placeholder };
    },
    async provideRenameEdits(doc, pos, newName) {
      const given = givenAt(doc, pos);
      if (given) {
        const callee = calleeOf(doc, given.workflow);
        const edit = await renameGivenInput(callee, given.input, newName.trim());
        await inputRenamed(callee, given.input, newName.trim());
        return edit;
      }
      const subRun = subRunAt(doc, pos);
      if (subRun) return renameSubRunOutput(calleeOf(doc, subRun.workflow), subRun.output, newName.trim());
      const i = index(doc);
      const r = renameEdits(i, doc.offsetAt(pos), newName.trim());
      if ('error' in r) throw new Error(r.error);
      const edit = new vscode.WorkspaceEdit();
      for (const e of r.edits) edit.replace(doc.uri, toRange(doc, e.span), e.newText);
      const renamed = r.renamed;
      if (!renamed || renamed.from === renamed.to) return edit;
      // The workflows that run this one give its inputs by name in their with:, and read its outputs by name.
      if (renamed.kind === 'input') {
        await addCallerInputEdits(edit, doc.uri, renamed.from, renamed.to);
        await inputRenamed(doc.uri, renamed.from, renamed.to);
        return edit;
      }
      const callers = await addCallerOutputEdits(edit, { uri: doc.uri, index: i }, renamed);
      const scripts = await addScriptOutputEdits(edit, { uri: doc.uri, index: i }, renamed);
      const notes = [
        ...(renamed.note && !scripts.length ? [renamed.note] : []),
        ...('sharedWith' in callers ? [sharedOutputNote(renamed.from, callers.sharedWith)] : callers.notes),
      ];
      if (notes.length) void vscode.window.showWarningMessage(`Renaming ${renamed.nodeId}'s output '${renamed.from}': ${notes.join('; ')}.`);
      return edit;
    },
  };
}
