import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { Controller } from '../controller';
import type { Builder } from '../state/builderIntents';
import type { PanelActions, PanelState, PanelStore } from '../state/store';

interface Panel {
  store: PanelStore;
  controller: Controller;
  builder: Builder;
}

export const PanelContext = createContext<Panel | null>(null);

function usePanelContext(): Panel {
  const panel = useContext(PanelContext);
  if (!panel) throw new Error('a panel component rendered outside <PanelContext.Provider>');
  return panel;
}

/** Reads from the panel's store; the component re-renders when the selected value changes (by identity). */
export function usePanel<T>(selector: (s: PanelState & PanelActions) => T): T {
  return useStore(usePanelContext().store, selector);
}

/** Whether the run shown is held by this window's engine: only then can its gates be answered. */
export function useShownRunLive(): boolean {
  return usePanel((s) => s.runs.find((r) => r.runId === s.run?.runId)?.live ?? false);
}

export function usePanelStore(): PanelStore {
  return usePanelContext().store;
}

export function useController(): Controller {
  return usePanelContext().controller;
}

export function useBuilder(): Builder {
  return usePanelContext().builder;
}
