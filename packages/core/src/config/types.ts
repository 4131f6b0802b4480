/**
 * Shared shapes of "config as code": YAML documents with their positions, the objects a
 * document declares, and the handlers that turn one into the other.
 */
import type { FieldProblem } from '../errors.js';

/** One step of a path into a document: a map key or a list index. */
export type PathSegment = string | number;

export interface SourcePosition {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** One YAML document, or one item of a top-level YAML list, with a way back to its text. */
export interface SourceDocument {
  file: string;
  /** Position of the document's first node. */
  line: number;
  column: number;
  /** The document as plain data (maps become objects). */
  value: unknown;
  /** Position of the value at `path`, or of its deepest ancestor that exists. */
  locate(path: readonly PathSegment[]): { line: number; column: number };
}

/** A reference from one object to another; unresolved ones become plan warnings, not errors. */
export interface ObjectReference {
  /** Canonical entity ref, e.g. `group:default/payments`. */
  ref: string;
  /** JSON pointer of the field, e.g. `/spec/owner`. */
  path: string;
  position: SourcePosition;
}

/**
 * What a document declares, normalized: the desired state of one Headroom object.
 * `type` names the server-side store that keeps it ('service', 'team', 'user', 'entity';
 * later issues add e.g. 'slo'); `data` is that store's record shape.
 */
export interface DesiredObject<D = unknown> {
  type: string;
  /** Canonical and unique in the whole config, e.g. `component:default/checkout`. */
  ref: string;
  /** Kind as written, for plans and messages: `Component`. */
  kind: string;
  data: D;
  source: SourcePosition;
  references: ObjectReference[];
  /** Position of a field of the object's document, for rules checked after all documents are read. */
  locate?: (path: readonly PathSegment[]) => SourcePosition;
}

export interface ConfigWarning {
  message: string;
  file?: string;
  line?: number;
  path?: string;
}

/** Error categories, in the order their code wins when a config has several kinds of problem. */
export type ProblemCategory = 'yaml' | 'kind' | 'schema' | 'duplicate';

export interface NormalizeContext {
  readonly doc: SourceDocument;
  /** Reports a problem at a field; the document yields no objects once any is reported. */
  error(path: readonly PathSegment[], message: string): void;
  warn(path: readonly PathSegment[], message: string): void;
  /** Position of a field, for references and objects. */
  position(path: readonly PathSegment[]): SourcePosition;
  /** Problems reported so far for this document. */
  readonly errorCount: number;
}

/**
 * Turns documents of one (apiVersion, kind) into desired objects. Handlers are pure: no I/O,
 * no knowledge of what is stored; references to other objects are returned, not resolved.
 */
export interface KindHandler {
  /** Every apiVersion this handler accepts, e.g. `backstage.io/v1alpha1`. */
  readonly apiVersions: readonly string[];
  /** Kind exactly as written in documents (case-sensitive, as in Backstage and OpenSLO). */
  readonly kind: string;
  normalize(doc: SourceDocument, ctx: NormalizeContext): DesiredObject[];
}

/** A problem found by a cross-document pass, at a field of one object's document. */
export interface PassProblem {
  message: string;
  file: string;
  line: number;
  column: number;
  path: readonly PathSegment[];
}

/**
 * A step that runs once every document is normalized and sees all objects together, for
 * rules that span documents (a Group's `children` set the parent of child groups; an SLO's
 * `indicatorRef` names an SLI of another file). It may change objects' data, report warnings
 * and report problems (then nothing is applied); it must not add or remove objects.
 */
export type ConfigPass = (
  objects: DesiredObject[],
  warn: (warning: ConfigWarning) => void,
  error: (problem: PassProblem) => void,
) => void;

export interface CategorizedProblem extends FieldProblem {
  category: ProblemCategory;
  /** The path as people read it (`spec.dependsOn[0]`), for the one-line summary. */
  readable?: string;
}
