import { createBrowserRouter, Link, RouterProvider } from 'react-router';
import { AuthProvider, useAuth } from './auth';
import { Layout } from './components/Layout';
import { Loading } from './components/ui';
import { ActionItems } from './pages/ActionItems';
import { AlertGroup } from './pages/AlertGroup';
import { Alerts } from './pages/Alerts';
import { Backlog } from './pages/Backlog';
import { Capacity } from './pages/Capacity';
import { CapacityResource } from './pages/CapacityResource';
import { Deployments } from './pages/Deployments';
import { Discovery } from './pages/Discovery';
import { Dora } from './pages/Dora';
import { EscalationPolicy } from './pages/EscalationPolicy';
import { Feedback } from './pages/Feedback';
import { FeedbackItem } from './pages/FeedbackItem';
import { Incident } from './pages/Incident';
import { Incidents } from './pages/Incidents';
import { Interviews } from './pages/Interviews';
import { Login } from './pages/Login';
import { Notifications } from './pages/Notifications';
import { OnCall } from './pages/OnCall';
import { OpportunityTree } from './pages/OpportunityTree';
import { Overview } from './pages/Overview';
import { Platform } from './pages/Platform';
import { Postmortem } from './pages/Postmortem';
import { Schedule } from './pages/Schedule';
import { Service } from './pages/Service';
import { Services } from './pages/Services';
import { Slo } from './pages/Slo';
import { Slos } from './pages/Slos';
import { Survey } from './pages/Survey';
import { Surveys } from './pages/Surveys';
import { Teams } from './pages/Teams';
import { Tokens } from './pages/Tokens';
import { Users } from './pages/Users';

function NotFound() {
  return (
    <div className="card">
      <h1 tabIndex={-1}>Not found</h1>
      <p>
        Nothing lives at this address. <Link to="/">Back to the overview</Link>.
      </p>
    </div>
  );
}

// Every object has its own URL, so any page can be shared as a link.
const router = createBrowserRouter([
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: <Overview /> },
      { path: 'services', element: <Services /> },
      { path: 'services/:name', element: <Service /> },
      { path: 'slos', element: <Slos /> },
      { path: 'slos/:name', element: <Slo /> },
      { path: 'alerts', element: <Alerts /> },
      { path: 'alerts/groups/:id', element: <AlertGroup /> },
      { path: 'oncall', element: <OnCall /> },
      { path: 'oncall/schedules/:name', element: <Schedule /> },
      { path: 'oncall/policies/:name', element: <EscalationPolicy /> },
      { path: 'notifications', element: <Notifications /> },
      { path: 'incidents', element: <Incidents /> },
      { path: 'incidents/:id', element: <Incident /> },
      { path: 'incidents/:id/postmortem', element: <Postmortem /> },
      { path: 'action-items', element: <ActionItems /> },
      { path: 'deployments', element: <Deployments /> },
      { path: 'dora', element: <Dora /> },
      { path: 'capacity', element: <Capacity /> },
      { path: 'capacity/:name', element: <CapacityResource /> },
      { path: 'discovery', element: <Discovery /> },
      { path: 'discovery/tree', element: <OpportunityTree /> },
      { path: 'discovery/backlog', element: <Backlog /> },
      { path: 'feedback', element: <Feedback /> },
      { path: 'feedback/:id', element: <FeedbackItem /> },
      { path: 'interviews', element: <Interviews /> },
      { path: 'surveys', element: <Surveys /> },
      { path: 'surveys/:id', element: <Survey /> },
      { path: 'platform', element: <Platform /> },
      { path: 'settings/tokens', element: <Tokens /> },
      { path: 'admin/users', element: <Users /> },
      { path: 'admin/teams', element: <Teams /> },
      { path: '*', element: <NotFound /> },
    ],
  },
]);

function Gate() {
  const { me, checking } = useAuth();
  if (checking) return <Loading what="Starting" />;
  if (!me) return <Login />;
  return <RouterProvider router={router} />;
}

export function App() {
  return (
    <AuthProvider>
      <Gate />
    </AuthProvider>
  );
}
