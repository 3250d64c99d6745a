// The hosted page's scripts, inline under the response's nonce. The page works without
// them (the server checks everything again); with them, the buyer sees each field's
// error before anything is sent, and a second click never sends the form twice.

/**
 * The sandbox card form: the same checks as `domain/card-form.ts` (Luhn, MM / YY not
 * past, 3- or 4-digit CVC), errors written into each field's own message and a summary
 * that takes focus, then one submission only.
 */
export const SANDBOX_FORM_SCRIPT = `(function(){
var form=document.getElementById('pay-form');if(!form)return;
var button=form.querySelector('button[type=submit]');var summary=document.getElementById('form-errors');
if(summary.textContent.trim())summary.focus();
function digits(v){return v.replace(/[\\s-]/g,'')}
function luhn(d){var s=0;for(var i=0;i<d.length;i++){var n=d.charCodeAt(d.length-1-i)-48;if(i%2===1){n*=2;if(n>9)n-=9}s+=n}return s%10===0}
function checkNumber(v){var d=digits(v);if(d==='')return 'Enter your card number.';if(!/^[0-9]+$/.test(d))return 'A card number has only digits.';if(d.length<12||d.length>19||!luhn(d))return 'Your card number is incomplete or not valid.';return ''}
function checkExpiry(v){if(v.trim()==='')return 'Enter the expiry date.';var m=/^\\s*([0-9]{1,2})\\s*\\/?\\s*([0-9]{2}|[0-9]{4})\\s*$/.exec(v);if(!m)return 'Enter the expiry date as MM / YY.';var mo=+m[1],y=m[2].length===2?2000+ +m[2]:+m[2];if(mo<1||mo>12)return 'The expiry month must be 01 to 12.';var now=new Date(),ty=now.getUTCFullYear(),tm=now.getUTCMonth()+1;if(y<ty||(y===ty&&mo<tm))return 'Your card has expired.';if(y>ty+50)return 'The expiry year is too far in the future.';return ''}
function checkCvc(v,n){var len=/^3[47]/.test(digits(n))?4:3;v=v.trim();if(v==='')return 'Enter the security code (CVC).';if(!/^[0-9]+$/.test(v)||v.length!==len)return 'The security code is '+len+' digits.';return ''}
function checkEmail(v){v=v.trim();if(v==='')return 'Enter your email address.';if(v.length>254||!/^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$/.test(v))return 'Enter an email address like name@example.com.';return ''}
function field(name){return form.elements.namedItem(name)}
function show(name,message){var input=field(name),out=document.getElementById(name+'-error');out.textContent=message;if(message){input.setAttribute('aria-invalid','true')}else{input.removeAttribute('aria-invalid')}}
var number=field('card_number');
number.addEventListener('input',function(){var d=digits(number.value);if(/^[0-9]*$/.test(d)&&d.length<=19){var g=d.replace(/(.{4})(?=.)/g,'$1 ');if(g!==number.value)number.value=g}});
var sent=false;
form.addEventListener('submit',function(e){
if(sent){e.preventDefault();return}
var errors=[['email',checkEmail(field('email').value)],['card_number',checkNumber(number.value)],['card_expiry',checkExpiry(field('card_expiry').value)],['card_cvc',checkCvc(field('card_cvc').value,number.value)]];
var bad=errors.filter(function(x){return x[1]});errors.forEach(function(x){show(x[0],x[1])});
if(bad.length){e.preventDefault();summary.textContent='';var p=document.createElement('p');p.textContent='Check the highlighted fields:';var ul=document.createElement('ul');bad.forEach(function(x){var li=document.createElement('li'),a=document.createElement('a');a.href='#'+x[0];a.textContent=x[1];li.appendChild(a);ul.appendChild(li)});summary.appendChild(p);summary.appendChild(ul);field(bad[0][0]).focus();return}
sent=true;button.disabled=true;button.setAttribute('aria-busy','true');button.textContent='Processing…';
});
})();`;

/** Any other form on the pages (3-D Secure answers): sent once, however often clicked. */
export const ONCE_SCRIPT = `(function(){var forms=document.querySelectorAll('form');var sent=false;forms.forEach(function(f){f.addEventListener('submit',function(e){if(sent){e.preventDefault();return}sent=true;f.querySelectorAll('button').forEach(function(b){b.disabled=true})})})})();`;

/**
 * Stripe mode: Stripe's own card field collects the card (its number never reaches
 * Flint); the form then carries only the payment method's id.
 */
export const STRIPE_FORM_SCRIPT = `(function(){
var form=document.getElementById('pay-form');if(!form||!window.Stripe)return;
var stripe=Stripe(form.getAttribute('data-publishable-key'));var card=stripe.elements().create('card');card.mount('#card-element');
var out=document.getElementById('card-error');var button=form.querySelector('button[type=submit]');var sent=false;
card.on('change',function(e){out.textContent=e.error?e.error.message:''});
form.addEventListener('submit',function(e){
if(form.elements.namedItem('payment_method').value)return;
e.preventDefault();if(sent)return;sent=true;button.disabled=true;button.textContent='Processing…';
stripe.createPaymentMethod({type:'card',card:card,billing_details:{email:form.elements.namedItem('email').value}}).then(function(r){
if(r.error){out.textContent=r.error.message;sent=false;button.disabled=false;button.textContent=button.getAttribute('data-label');return}
form.elements.namedItem('payment_method').value=r.paymentMethod.id;form.submit()})});
})();`;

/** Stripe mode, 3-D Secure: Stripe's own challenge, then back to Flint to record it. */
export const STRIPE_ACTION_SCRIPT = `(function(){
var form=document.getElementById('action-form');if(!form||!window.Stripe)return;
var stripe=Stripe(form.getAttribute('data-publishable-key'));
stripe.handleNextAction({clientSecret:form.getAttribute('data-client-secret')}).then(function(){form.submit()});
})();`;
