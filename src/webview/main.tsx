// The DAG panel's entry point: connects to the host, starts the controller and renders the app.
import '@vscode/codicons/dist/codicon.css';
import 'reactflow/dist/base.css';
import './styles.css';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { PanelContext } from './components/context';
import { startController } from './controller';
import { createBuilder } from './state/builderIntents';
import { createPanelStore } from './state/store';
import { connectHost } from './vscodeApi';

const store = createPanelStore();
const controller = startController(store, connectHost());
const builder = createBuilder(store, controller);
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <PanelContext.Provider value={{ store, controller, builder }}>
      <App />
    </PanelContext.Provider>,
  );
}
