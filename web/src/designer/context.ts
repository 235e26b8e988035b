/** What the flow editor's nested components share: selection, problems, drag state, edits. */
import { inject, type InjectionKey, type Ref } from 'vue';
import type { Step, StepKind } from '@/api/types';
import type { PinnedProblems, Seq } from './model';

export interface DesignerContext {
  selected: Ref<Step | null>;
  problems: Ref<PinnedProblems>;
  readonly: Ref<boolean>;
  drag: Ref<{ seq: Seq; index: number } | null>;
  select(step: Step | null): void;
  insert(seq: Seq, index: number, kind: StepKind): void;
  remove(seq: Seq, index: number): void;
  move(from: Seq, fromIndex: number, to: Seq, toIndex: number): void;
  addBranch(step: Step): void;
  removeBranch(step: Step, index: number): void;
}

export const DESIGNER: InjectionKey<DesignerContext> = Symbol('designer');

export function useDesigner(): DesignerContext {
  const ctx = inject(DESIGNER);
  if (!ctx) throw new Error('designer context missing');
  return ctx;
}
