# mk/font.mk - the framebuffer console's font (drivers/fb.c's fb_font),
# converted at build time from a PSF console font by tools/psf2c.py.
# Included by the top-level Makefile after B, PYTHON and KCFLAGS are set;
# the Makefile links $(KEXTRA_OBJ) into the kernel with $(KOBJ).
#
# FONT can be any PSF1/PSF2 file up to 32 pixels wide, gzip'd or not:
#   make FONT=/usr/share/consolefonts/lat1-16.psf.gz
# The Debian package console-data provides the default (make deps).

FONT ?= /usr/share/consolefonts/default8x16.psf.gz

KEXTRA_OBJ += $(B)/font.o

# Regenerated when the font, the converter or FONT itself changes.
$(B)/font.c: $(FONT) tools/psf2c.py $(B)/font.name
	@mkdir -p $(@D)
	@$(if $(Q),echo "  PSF2C   $(FONT)")
	$(Q)$(PYTHON) tools/psf2c.py $(FONT) -o $@

# Records which font build/font.c came from; rewritten only when it differs.
.PHONY: font-name-check
font-name-check:
$(B)/font.name: font-name-check
	@mkdir -p $(@D)
	@echo '$(FONT)' | cmp -s - $@ || echo '$(FONT)' > $@

$(B)/font.o: $(B)/font.c
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(KCFLAGS) -MMD -MP -c -o $@ $<
