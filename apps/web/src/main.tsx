import { render } from 'preact';
import { Application } from './application';
import './styles.css';

render(<Application />, document.getElementById('app')!);
