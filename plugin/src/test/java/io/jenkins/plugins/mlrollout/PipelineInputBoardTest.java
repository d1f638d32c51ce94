package io.jenkins.plugins.mlrollout;

import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import hudson.model.Run;
import hudson.security.SecurityRealm;
import java.util.List;
import jenkins.model.IdStrategy;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.support.steps.input.ApproverAction;
import org.jenkinsci.plugins.workflow.support.steps.input.InputSubmittedAction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.MockedStatic;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;

/**
 * What the input step recorded for an approval the gate refused is taken back from the build and the flow node. The
 * input step records the person by their Jenkins user id ({@code User.current().getId()}), which a realm that ignores
 * case may spell otherwise than the name the person logged in with. Jenkins is mocked at its static seams.
 */
class PipelineInputBoardTest {

    private final Jenkins jenkins = mock(Jenkins.class);
    private final Run<?, ?> run = mock(Run.class);
    private final FlowNode node = mock(FlowNode.class);
    private final StepContext step = mock(StepContext.class);
    private MockedStatic<Jenkins> jenkinsStatic;

    @BeforeEach
    void setUp() throws Exception {
        jenkinsStatic = mockStatic(Jenkins.class);
        jenkinsStatic.when(Jenkins::get).thenReturn(jenkins);
        IdStrategy ignoringCase = mock(IdStrategy.class);
        when(ignoringCase.equals(anyString(), anyString()))
                .thenAnswer(
                        invocation -> invocation.<String>getArgument(0).equalsIgnoreCase(invocation.getArgument(1)));
        SecurityRealm realm = mock(SecurityRealm.class);
        when(realm.getUserIdStrategy()).thenReturn(ignoringCase);
        when(realm.getGroupIdStrategy()).thenReturn(ignoringCase);
        when(jenkins.getSecurityRealm()).thenReturn(realm);
        when(step.get(Run.class)).thenAnswer(invocation -> run);
        when(step.get(FlowNode.class)).thenReturn(node);
    }

    @AfterEach
    void tearDown() {
        jenkinsStatic.close();
    }

    @Test
    void aRefusedApprovalIsForgottenWhenTheUserIdDiffersFromTheLoginNameOnlyInCase() throws Exception {
        jenkinsStatic.when(Jenkins::getAuthentication2).thenReturn(loggedIn("Alice"));
        ApproverAction bob = approver("bob");
        ApproverAction alice = approver("alice");
        when(run.getActions(ApproverAction.class)).thenReturn(List.of(bob, alice));
        InputSubmittedAction submitted = submittedBy("alice");
        when(node.getActions(InputSubmittedAction.class)).thenReturn(List.of(submitted));

        new PipelineInputBoard().forgetRefusedApproval(step);

        verify(run).removeAction(alice);
        verify(run, never()).removeAction(bob);
        verify(node).removeAction(submitted);
    }

    private static UsernamePasswordAuthenticationToken loggedIn(String name) {
        return new UsernamePasswordAuthenticationToken(name, "n/a", List.of());
    }

    private static ApproverAction approver(String userId) {
        ApproverAction action = mock(ApproverAction.class);
        when(action.getUserId()).thenReturn(userId);
        return action;
    }

    private static InputSubmittedAction submittedBy(String userId) {
        InputSubmittedAction action = mock(InputSubmittedAction.class);
        when(action.getApprover()).thenReturn(userId);
        return action;
    }
}
