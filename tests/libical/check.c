/* Parse an iCalendar stream from stdin with libical and report what it found, one line each:
 *   ERROR <text>          a parse error or an RFC 5546 restriction libical flagged (X-LIC-ERROR)
 *   CALNAME <text>        the calendar's NAME / X-WR-CALNAME, unescaped
 *   EVENT <uid>\t<summary>\t<description>\t<location>   each VEVENT, fields unescaped
 * Tab, CR and LF inside values are written as \t, \r, \n so each record stays on one line.
 * The exit status is 0 when libical parsed a VCALENDAR, 2 when it did not.
 */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_all(FILE *in) {
    size_t size = 0, cap = 1 << 16;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + size, 1, cap - size - 1, in)) > 0) {
        size += got;
        if (cap - size < 2) buf = realloc(buf, cap *= 2);
    }
    buf[size] = '\0';
    return buf;
}

static void put_escaped(const char *text) {
    for (const char *c = text ? text : ""; *c; c++) {
        switch (*c) {
        case '\t': fputs("\\t", stdout); break;
        case '\r': fputs("\\r", stdout); break;
        case '\n': fputs("\\n", stdout); break;
        case '\\': fputs("\\\\", stdout); break;
        default: putchar(*c);
        }
    }
}

static const char *text_of(icalcomponent *comp, icalproperty_kind kind) {
    icalproperty *prop = icalcomponent_get_first_property(comp, kind);
    if (!prop) return "";
    icalvalue *value = icalproperty_get_value(prop);
    return value ? icalvalue_get_text(value) : "";
}

static const char *x_text(icalcomponent *comp, const char *name) {
    for (icalproperty *prop = icalcomponent_get_first_property(comp, ICAL_ANY_PROPERTY); prop;
         prop = icalcomponent_get_next_property(comp, ICAL_ANY_PROPERTY)) {
        const char *pname = icalproperty_get_property_name(prop);
        if (pname && strcmp(pname, name) == 0) return icalproperty_get_value_as_string(prop);
    }
    return NULL;
}

static void report_errors(icalcomponent *comp) {
    for (icalproperty *prop = icalcomponent_get_first_property(comp, ICAL_XLICERROR_PROPERTY); prop;
         prop = icalcomponent_get_next_property(comp, ICAL_XLICERROR_PROPERTY)) {
        fputs("ERROR ", stdout);
        put_escaped(icalproperty_get_xlicerror(prop));
        putchar('\n');
    }
    for (icalcomponent *sub = icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT); sub;
         sub = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT))
        report_errors(sub);
}

int main(void) {
    char *text = read_all(stdin);
    icalcomponent *calendar = icalparser_parse_string(text);
    if (!calendar || icalcomponent_isa(calendar) != ICAL_VCALENDAR_COMPONENT) {
        puts("ERROR not a VCALENDAR");
        return 2;
    }
    if (icalcomponent_get_first_property(calendar, ICAL_METHOD_PROPERTY))
        icalrestriction_check(calendar);
    report_errors(calendar);
    const char *name = x_text(calendar, "NAME");
    if (!name) name = x_text(calendar, "X-WR-CALNAME");
    if (name) {
        /* NAME is unknown to libical 3.0, so it keeps the raw value: unescape it here. */
        icalvalue *value = icalvalue_new_from_string(ICAL_TEXT_VALUE, name);
        fputs("CALNAME ", stdout);
        put_escaped(value ? icalvalue_get_text(value) : name);
        putchar('\n');
        if (value) icalvalue_free(value);
    }
    for (icalcomponent *event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
         event; event = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
        fputs("EVENT ", stdout);
        put_escaped(text_of(event, ICAL_UID_PROPERTY));
        putchar('\t');
        put_escaped(text_of(event, ICAL_SUMMARY_PROPERTY));
        putchar('\t');
        put_escaped(text_of(event, ICAL_DESCRIPTION_PROPERTY));
        putchar('\t');
        put_escaped(text_of(event, ICAL_LOCATION_PROPERTY));
        putchar('\n');
    }
    icalcomponent_free(calendar);
    free(text);
    return 0;
}
