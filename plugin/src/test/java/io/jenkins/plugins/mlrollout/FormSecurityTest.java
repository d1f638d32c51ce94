package io.jenkins.plugins.mlrollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.RETURNS_SELF;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockConstruction;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.cloudbees.plugins.credentials.CredentialsMatcher;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.model.Descriptor;
import hudson.model.Item;
import hudson.security.ACL;
import hudson.util.FormValidation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kohsuke.stapler.verb.POST;
import org.mockito.MockedConstruction;
import org.mockito.MockedStatic;
import org.springframework.security.access.AccessDeniedException;

/**
 * The configuration forms' web methods (form checks and credential lists) must be POST-only and must check
 * permission before doing anything else. Jenkins is mocked at its static seam {@code Jenkins.get()}.
 */
class FormSecurityTest {

    private final Jenkins jenkins = mock(Jenkins.class);
    private MockedStatic<Jenkins> jenkinsStatic;

    @BeforeEach
    void setUp() {
        jenkinsStatic = mockStatic(Jenkins.class);
        jenkinsStatic.when(Jenkins::get).thenReturn(jenkins);
    }

    @AfterEach
    void tearDown() {
        jenkinsStatic.close();
    }

    /** Every {@code doCheck...} and {@code doFill...} method of every descriptor in the plugin. */
    static Stream<Method> webMethods() {
        return Stream.concat(formChecks(), credentialLists());
    }

    static Stream<Method> formChecks() {
        List<Method> methods = descriptorMethods("doCheck");
        assertThat(methods).hasSizeGreaterThanOrEqualTo(15);
        return methods.stream();
    }

    static Stream<Method> credentialLists() {
        List<Method> methods = descriptorMethods("doFill");
        assertThat(methods).hasSize(3);
        return methods.stream();
    }

    private static List<Method> descriptorMethods(String prefix) {
        List<Method> methods = new ArrayList<>();
        for (Class<?> type : CompiledClasses.all()) {
            if (Descriptor.class.isAssignableFrom(type)) {
                for (Method method : type.getDeclaredMethods()) {
                    if (method.getName().startsWith(prefix)) {
                        methods.add(method);
                    }
                }
            }
        }
        return methods;
    }

    @ParameterizedTest
    @MethodSource("webMethods")
    void everyFormWebMethodIsPostOnly(Method method) {
        assertThat(method.isAnnotationPresent(POST.class))
                .as("%s.%s has @POST", method.getDeclaringClass().getSimpleName(), method.getName())
                .isTrue();
    }

    @ParameterizedTest
    @MethodSource("formChecks")
    void everyFormCheckRefusesNonAdministratorsBeforeLookingAtTheValue(Method method) throws Exception {
        doThrow(new AccessDeniedException("no")).when(jenkins).checkPermission(Jenkins.ADMINISTER);
        Object descriptor = newDescriptor(method.getDeclaringClass());

        assertThatThrownBy(() -> invoke(method, descriptor, "not valid at all: %%"))
                .isInstanceOf(AccessDeniedException.class);
    }

    @ParameterizedTest
    @MethodSource("credentialLists")
    void everyCredentialListShowsNonAdministratorsOnlyTheCurrentValue(Method method) throws Exception {
        when(jenkins.hasPermission(Jenkins.ADMINISTER)).thenReturn(false);
        Object descriptor = newDescriptor(method.getDeclaringClass());
        try (MockedConstruction<StandardListBoxModel> lists =
                mockConstruction(StandardListBoxModel.class, withSettings().defaultAnswer(RETURNS_SELF))) {
            method.invoke(descriptor, "current-id");

            StandardListBoxModel list = lists.constructed().get(0);
            verify(list).includeCurrentValue("current-id");
            verify(list, never()).includeEmptyValue();
            verify(list, never()).includeMatchingAs(any(), any(), any(), anyList(), any());
        }
    }

    @Test
    void administratorsGetErrorsForBadValuesAndOkForGoodOnes() {
        ModelEndpoint.DescriptorImpl descriptor = new ModelEndpoint.DescriptorImpl();
        assertThat(descriptor.doCheckName("Fraud Scorer").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(descriptor.doCheckName("fraud-scorer").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(descriptor.doCheckPrometheusUrl("").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(descriptor.doCheckMinimumQuorum("2").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(descriptor.doCheckMinimumQuorum("-2").kind).isEqualTo(FormValidation.Kind.ERROR);
        IstioRouterSettings.DescriptorImpl istio = new IstioRouterSettings.DescriptorImpl();
        assertThat(istio.doCheckCanarySubset("").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(istio.doCheckKubernetesUrl("https://kubernetes.default.svc").kind)
                .isEqualTo(FormValidation.Kind.OK);
        verify(jenkins, org.mockito.Mockito.atLeast(7)).checkPermission(Jenkins.ADMINISTER);
    }

    @Test
    void administratorsSeeSecretTextAndUsernamePasswordCredentialsLookedUpAsSystem() {
        when(jenkins.hasPermission(Jenkins.ADMINISTER)).thenReturn(true);
        CredentialsMatcher secretText = mock(CredentialsMatcher.class);
        CredentialsMatcher login = mock(CredentialsMatcher.class);
        CredentialsMatcher either = mock(CredentialsMatcher.class);
        try (MockedStatic<CredentialsMatchers> matchers = mockStatic(CredentialsMatchers.class);
                MockedConstruction<StandardListBoxModel> lists = mockConstruction(
                        StandardListBoxModel.class, withSettings().defaultAnswer(RETURNS_SELF))) {
            matchers.when(() -> CredentialsMatchers.instanceOf(StringCredentials.class))
                    .thenReturn(secretText);
            matchers.when(() -> CredentialsMatchers.instanceOf(StandardUsernamePasswordCredentials.class))
                    .thenReturn(login);
            matchers.when(() -> CredentialsMatchers.anyOf(secretText, login)).thenReturn(either);

            new ModelEndpoint.DescriptorImpl().doFillPrometheusCredentialsIdItems(null);

            StandardListBoxModel list = lists.constructed().get(0);
            verify(list).includeEmptyValue();
            verify(list).includeMatchingAs(ACL.SYSTEM2, null, StandardCredentials.class, List.of(), either);
            verify(list).includeCurrentValue("");
        }
    }

    /**
     * Stapler reaches every descriptor under any job too ({@code /job/x/descriptorByName/…/fillCredentialsIdItems}),
     * and gives the list that job as its {@code @AncestorInPath} item. The endpoints' credentials are the controller's,
     * System scope included, so someone who may configure or use credentials in a job, but not administer, must still
     * see only the value they sent.
     */
    @ParameterizedTest
    @MethodSource("credentialLists")
    void reachedThroughAJobTheCredentialListsShowNonAdministratorsOnlyTheCurrentValue(Method method) throws Exception {
        when(jenkins.hasPermission(Jenkins.ADMINISTER)).thenReturn(false);
        Item job = mock(Item.class);
        when(job.hasPermission(any())).thenReturn(true);
        Object descriptor = newDescriptor(method.getDeclaringClass());
        Object[] arguments = Arrays.stream(method.getParameterTypes())
                .map(type -> type == Item.class ? job : "current-id")
                .toArray();
        try (MockedStatic<CredentialsMatchers> ignored = mockStatic(CredentialsMatchers.class);
                MockedConstruction<StandardListBoxModel> lists = mockConstruction(
                        StandardListBoxModel.class, withSettings().defaultAnswer(RETURNS_SELF))) {
            method.invoke(descriptor, arguments);

            StandardListBoxModel list = lists.constructed().get(0);
            verify(list).includeCurrentValue("current-id");
            verify(list, never()).includeMatchingAs(any(), any(), any(), anyList(), any());
        }
    }

    @Test
    void onAFoldersPageTheTemplateChecksAskForConfigureOnTheFolderNotForAdministration() {
        doThrow(new AccessDeniedException("no")).when(jenkins).checkPermission(Jenkins.ADMINISTER);
        Item folder = mock(Item.class);
        SharedPolicyTemplate.DescriptorImpl descriptor = new SharedPolicyTemplate.DescriptorImpl();

        assertThat(descriptor.doCheckName(folder, "Standard Canary").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(descriptor.doCheckName(folder, "standard-canary").kind).isEqualTo(FormValidation.Kind.OK);
        verify(folder, org.mockito.Mockito.times(2)).checkPermission(Item.CONFIGURE);

        doThrow(new AccessDeniedException("no")).when(folder).checkPermission(Item.CONFIGURE);
        assertThatThrownBy(() -> descriptor.doCheckBody(folder, "stages: [")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> descriptor.doCheckBody(null, "stages: [")).isInstanceOf(AccessDeniedException.class);
    }

    /** An instance of {@code type}, or of a concrete descriptor that inherits the method from it. */
    private static Object newDescriptor(Class<?> type) throws ReflectiveOperationException {
        for (Class<?> candidate : CompiledClasses.all()) {
            if (type.isAssignableFrom(candidate) && !Modifier.isAbstract(candidate.getModifiers())) {
                return candidate.getConstructor().newInstance();
            }
        }
        throw new AssertionError("no concrete descriptor for " + type);
    }

    /** Calls a form check with {@code value}, and no item for a check that also serves an item's page. */
    private static Object invoke(Method method, Object target, String value) throws Throwable {
        Object[] arguments = Arrays.stream(method.getParameterTypes())
                .map(type -> type == Item.class ? null : value)
                .toArray();
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
